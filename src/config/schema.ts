/**
 * The schema of config/serving.yml. Every key has the reference default (SPEC.md), objects are
 * strict so an unknown or misspelt key fails start-up with its path instead of being ignored.
 */
import { z } from 'zod'

const positiveInt = z.number().int().positive()
const nonNegativeInt = z.number().int().nonnegative()

interface OpDefaults {
  batch_size: number
  batch_timeout_ms: number
  concurrency: number
  queue_size: number
}

/**
 * Scheduling of one op (see src/engine/op.ts for the meaning of each field). Each op gets its
 * own defaults, applied key by key, so setting one key keeps the op's other defaults.
 */
export function opSettingsSchema(defaults: OpDefaults) {
  return z
    .strictObject({
      batch_size: positiveInt.max(256).default(defaults.batch_size),
      batch_timeout_ms: nonNegativeInt.max(10_000).default(defaults.batch_timeout_ms),
      concurrency: positiveInt.max(64).default(defaults.concurrency),
      queue_size: positiveInt.default(defaults.queue_size),
    })
    .prefault({})
}

export const RuntimeSchema = z.strictObject({
  intra_op_threads: nonNegativeInt.default(2),
  inter_op_threads: nonNegativeInt.default(1),
  graph_optimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  execution_providers: z.array(z.enum(['cpu', 'cuda', 'tensorrt', 'dml', 'coreml'])).min(1).default(['cpu']),
})

const OcrServiceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  models: z
    .strictObject({
      det: z.string().default('ppocrv4_det'),
      cls: z.string().default('ppocr_mobile_v2_cls'),
      rec: z.string().default('ppocrv4_rec'),
    })
    .prefault({}),
  ops: z
    .strictObject({
      det: opSettingsSchema({ batch_size: 1, batch_timeout_ms: 0, concurrency: 1, queue_size: 32 }),
      cls: opSettingsSchema({ batch_size: 6, batch_timeout_ms: 2, concurrency: 1, queue_size: 2048 }),
      rec: opSettingsSchema({ batch_size: 6, batch_timeout_ms: 2, concurrency: 1, queue_size: 2048 }),
    })
    .prefault({}),
  det: z
    .strictObject({
      limit_side_len: positiveInt.max(8192).default(960),
      limit_type: z.enum(['max', 'min']).default('max'),
      thresh: z.number().min(0).max(1).default(0.3),
      box_thresh: z.number().min(0).max(1).default(0.6),
      unclip_ratio: z.number().positive().max(10).default(1.5),
      max_candidates: positiveInt.default(1000),
    })
    .prefault({}),
  cls: z
    .strictObject({
      enabled: z.boolean().default(true),
      thresh: z.number().min(0).max(1).default(0.9),
    })
    .prefault({}),
  rec: z
    .strictObject({
      drop_score: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
})

const ClassifyServiceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Served by `POST /classify`; others by `POST /classify/{model}`. */
  default_model: z.string().default('googlenet_v1'),
  /** More classifiers to load at start-up. */
  models: z.array(z.string()).default([]),
  /** Scheduling of each classifier's op. */
  ops: opSettingsSchema({ batch_size: 8, batch_timeout_ms: 0, concurrency: 1, queue_size: 256 }),
})

const RecognizeServiceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Mainbody detector package (PicoDetDecode postprocess). */
  detector: z.string().default('picodet_xs_416_coco'),
  /** Feature extractor package (fetch alias `features`). */
  feature_model: z.string().default('mobilenet_v2_gem_features'),
  /** Gallery index folders live in `indexes_dir/NAME`. */
  indexes_dir: z.string().default('index'),
  /** Gallery searched by POST /recognize unless a request names another. */
  default_index: z.string().default('drink'),
  /** At start-up, build the default index from this data file when it does not exist yet. */
  build_missing: z
    .strictObject({ data_file: z.string(), image_root: z.string() })
    .nullable()
    .default(null),
  /** How new indexes are built (index build, gallery API on a new name). */
  index: z
    .strictObject({
      method: z.enum(['Flat', 'HNSW', 'IVF']).default('Flat'),
      metric: z.enum(['IP', 'L2']).default('IP'),
      whiten: z.boolean().default(true),
    })
    .prefault({}),
  /** PaddleClas PP-ShiTu defaults (SPEC §3); each can be set per request. */
  max_det_results: positiveInt.max(50).default(5),
  det_threshold: z.number().min(0).max(1).default(0.2),
  score_thres: z.number().min(0).max(1).default(0.5),
  rec_nms_thresold: z.number().min(0).max(1).default(0.05),
  gallery: z
    .strictObject({
      /** Bearer token for changes over HTTP; PPSERVE_GALLERY_TOKEN overrides. Without one, only loopback clients may change galleries. */
      token: z.string().min(16, 'a gallery token must have at least 16 characters').nullable().default(null),
    })
    .prefault({}),
  ops: z
    .strictObject({
      det: opSettingsSchema({ batch_size: 1, batch_timeout_ms: 0, concurrency: 1, queue_size: 64 }),
      features: opSettingsSchema({ batch_size: 16, batch_timeout_ms: 0, concurrency: 1, queue_size: 1024 }),
    })
    .prefault({}),
})

export const ServingConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8866),
      shutdown_grace_ms: nonNegativeInt.default(10_000),
    })
    .prefault({}),
  limits: z
    .strictObject({
      max_body_bytes: positiveInt.default(20 * 1024 * 1024),
      max_image_pixels: positiveInt.default(40_000_000),
      min_image_side: positiveInt.default(4),
      max_images_per_request: positiveInt.default(16),
      default_deadline_ms: positiveInt.default(30_000),
      max_deadline_ms: positiveInt.default(300_000),
    })
    .prefault({}),
  runtime: RuntimeSchema.prefault({}),
  models: z
    .strictObject({
      dir: z.string().default('models'),
      /** At start-up, pull configured packages whose weights are missing (`models pull`). */
      auto_pull: z.boolean().default(true),
      /** Folder to pull from instead of the network; PPSERVE_MIRROR overrides it. */
      mirror: z.string().nullable().default(null),
    })
    .prefault({}),
  tracer: z
    .strictObject({
      enabled: z.boolean().default(false),
      interval_s: z.number().positive().default(60),
    })
    .prefault({}),
  services: z
    .strictObject({
      ocr: OcrServiceSchema.prefault({}),
      classify: ClassifyServiceSchema.prefault({}),
      recognize: RecognizeServiceSchema.prefault({}),
    })
    .prefault({}),
})

export type ServingConfig = z.infer<typeof ServingConfigSchema>
export type OpSettingsConfig = z.infer<ReturnType<typeof opSettingsSchema>>
export type RuntimeConfig = z.infer<typeof RuntimeSchema>
export type OcrServiceConfig = z.infer<typeof OcrServiceSchema>
export type ClassifyServiceConfig = z.infer<typeof ClassifyServiceSchema>
export type RecognizeServiceConfig = z.infer<typeof RecognizeServiceSchema>
