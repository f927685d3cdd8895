/** `services.ocr` in serving.yml: models, op scheduling, PaddleOCR's TextSystem defaults and det overrides. */
import { z } from 'zod'
import { opSettingsSchema } from '../../config/op-settings.js'

const positiveInt = z.number().int().positive()

export const OcrConfigSchema = z.strictObject({
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
      det: opSettingsSchema({ batch_size: 1, batch_timeout_ms: 0, concurrency: null, queue_size: 32 }),
      cls: opSettingsSchema({ batch_size: 6, batch_timeout_ms: 2, concurrency: null, queue_size: 2048 }),
      // PaddleOCR's rec_batch_num is 6, a GPU default: on CPU a padded batch costs more than the
      // calls it saves, and single lines spread over the instances (bench/BENCHMARKS.md).
      rec: opSettingsSchema({ batch_size: 1, batch_timeout_ms: 0, concurrency: null, queue_size: 2048 }),
    })
    .prefault({}),
  /**
   * Overrides of the det package's DetResizeForTest / DBPostProcess (its manifest holds the
   * defaults, PaddleOCR's 960 / max / 0.3 / 0.6 / 1.5 / 1000); null or absent = the manifest's.
   */
  det: z
    .strictObject({
      limit_side_len: positiveInt.min(32).max(8192).nullable().default(null),
      limit_type: z.enum(['max', 'min']).nullable().default(null),
      thresh: z.number().min(0).max(1).nullable().default(null),
      box_thresh: z.number().min(0).max(1).nullable().default(null),
      unclip_ratio: z.number().positive().max(10).nullable().default(null),
      max_candidates: positiveInt.nullable().default(null),
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

export type OcrConfig = z.infer<typeof OcrConfigSchema>
