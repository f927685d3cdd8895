/** `services.classify` in serving.yml: the classifiers served and their op scheduling. */
import { z } from 'zod'
import { opSettingsSchema } from '../../config/op-settings.js'

export const ClassifyConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Served by `POST /classify`; others by `POST /classify/{model}`. */
  default_model: z.string().default('googlenet_v1'),
  /** More classifiers to load at start-up. */
  models: z.array(z.string()).default([]),
  /** Scheduling of each classifier's op. */
  ops: opSettingsSchema({ batch_size: 8, batch_timeout_ms: 0, concurrency: null, queue_size: 256 }),
})

export type ClassifyConfig = z.infer<typeof ClassifyConfigSchema>
