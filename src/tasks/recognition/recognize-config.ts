/** `services.recognize` in serving.yml: PP-ShiTu models, galleries and PaddleClas defaults. */
import { z } from 'zod'
import { opSettingsSchema } from '../../config/op-settings.js'
import { DEFAULT_CALIBRATION, type CalibrationSettings } from '../../retrieval/score-calibration.js'

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
      /**
       * `learned`: PCA whitening, then whitening by the differences between images of the same
       * label (Radenović et al. 2016; held-out drink images R@1 90.9 → 94.3 %); `pca`: PCA only.
       * Galleries without two images of any label get PCA.
       */
      whitening: z.enum(['learned', 'pca']).default('learned'),
    })
    .prefault({}),
  /** PaddleClas PP-ShiTu defaults (SPEC §3); each can be set per request. */
  max_det_results: positiveInt.max(50).default(5),
  det_threshold: z.number().min(0).max(1).default(0.2),
  /**
   * `auto`: each gallery generation's threshold, fitted on the gallery (score_calibration); a
   * number: that fixed cosine similarity for every gallery (PaddleClas's IndexProcess.score_thres).
   */
  score_thres: z.union([z.literal('auto'), z.number().min(0).max(1)]).default('auto'),
  /**
   * How `auto` fits: the threshold accepting at most `target_far` of the gallery's leave-one-out
   * impostors (default 0.17: PaddleClas's 0.5 with its PPLCNet features on the drink gallery).
   * Galleries under `min_items` items or `min_labels` labels are not fitted: `fallback` applies.
   */
  score_calibration: z
    .strictObject({
      target_far: z.number().gt(0).lt(1).default(DEFAULT_CALIBRATION.targetFar),
      min_labels: positiveInt.min(2).default(DEFAULT_CALIBRATION.minLabels),
      min_items: positiveInt.min(2).default(DEFAULT_CALIBRATION.minItems),
      fallback: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  rec_nms_thresold: z.number().min(0).max(1).default(0.05),
  gallery: z
    .strictObject({
      /** Bearer token for changes over HTTP; PPSERVE_GALLERY_TOKEN overrides. Without one, only loopback clients may change galleries. */
      token: z.string().min(16, 'a gallery token must have at least 16 characters').nullable().default(null),
      /** How often each opened gallery's CURRENT is read for a generation another process (replica, index CLI) committed. */
      reload_interval_ms: positiveInt.min(50).max(60_000).default(500),
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

/** The fitting settings of `score_calibration`, as galleries record them. */
export function calibrationSettings(config: Pick<RecognizeConfig, 'score_calibration'>): CalibrationSettings {
  const { target_far: targetFar, min_labels: minLabels, min_items: minItems } = config.score_calibration
  return { targetFar, minLabels, minItems }
}
