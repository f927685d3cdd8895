/** `services.recognize` in serving.yml: PP-ShiTu models, galleries and PaddleClas defaults. */
import { z } from 'zod'
import { opSettingsSchema } from '../../config/op-settings.js'

const positiveInt = z.number().int().positive()

export const RecognizeConfigSchema = z.strictObject({
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
      det: opSettingsSchema({ batch_size: 1, batch_timeout_ms: 0, concurrency: null, queue_size: 64 }),
      features: opSettingsSchema({ batch_size: 16, batch_timeout_ms: 0, concurrency: null, queue_size: 1024 }),
    })
    .prefault({}),
})

export type RecognizeConfig = z.infer<typeof RecognizeConfigSchema>
