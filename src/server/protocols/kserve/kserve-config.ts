/** `protocols.kserve` in serving.yml: the KServe v2 / Open Inference Protocol adapter. */
import { z } from 'zod'
import { opSettingsSchema } from '../../../config/op-settings.js'

export const KServeConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /**
     * Bearer token for the repository's load and unload routes; PPSERVE_KSERVE_TOKEN overrides.
     * Without one, only loopback clients may load or unload models.
     */
    repository_token: z.string().min(16, 'a repository token must have at least 16 characters').nullable().default(null),
    /** Scheduling of each model's `kserve:<model>` op; `models.ops.NAME` overrides it per package. */
    ops: opSettingsSchema({ batch_size: 8, batch_timeout_ms: 2, concurrency: null, queue_size: 256 }),
  })
  .prefault({})

export type KServeConfig = z.infer<typeof KServeConfigSchema>
