/**
 * The scheduling settings of one op as written in serving.yml, and their one mapping onto the
 * engine's OpSettings (see src/engine/op.ts for the meaning of each field).
 */
import { z } from 'zod'
import type { OpSettings } from '../engine/op.js'

export interface OpDefaults {
  batch_size: number
  batch_timeout_ms: number
  /** null = one instance per core of the CPU budget (`runtime.cpus`). */
  concurrency: number | null
  queue_size: number
}

const fields = {
  batch_size: z.number().int().positive().max(256),
  batch_timeout_ms: z.number().int().nonnegative().max(10_000),
  concurrency: z.number().int().positive().max(64),
  queue_size: z.number().int().positive(),
}

/** Each op gets its own defaults, applied key by key, so setting one key keeps the op's other defaults. */
export function opSettingsSchema(defaults: OpDefaults) {
  return z
    .strictObject({
      batch_size: fields.batch_size.default(defaults.batch_size),
      batch_timeout_ms: fields.batch_timeout_ms.default(defaults.batch_timeout_ms),
      concurrency: fields.concurrency.nullable().default(defaults.concurrency),
      queue_size: fields.queue_size.default(defaults.queue_size),
    })
    .prefault({})
}

/** Per-package overrides (`models.ops.NAME`): only the keys given replace the task's settings. */
export const OpOverrideSchema = z.strictObject({
  batch_size: fields.batch_size.optional(),
  batch_timeout_ms: fields.batch_timeout_ms.optional(),
  concurrency: fields.concurrency.optional(),
  queue_size: fields.queue_size.optional(),
})

export type OpSettingsConfig = z.infer<ReturnType<typeof opSettingsSchema>>
export type OpOverrideConfig = z.infer<typeof OpOverrideSchema>

/** `cpus` is the CPU budget: an op with `concurrency: null` runs one model instance per core. */
export function toOpSettings(settings: OpSettingsConfig, override: OpOverrideConfig = {}, cpus = 1): OpSettings {
  const merged = { ...settings, ...Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined)) }
  return {
    batchSize: merged.batch_size,
    batchTimeoutMs: merged.batch_timeout_ms,
    concurrency: merged.concurrency ?? cpus,
    queueSize: merged.queue_size,
  }
}
