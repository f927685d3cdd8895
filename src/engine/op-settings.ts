/**
 * Checks an op's scheduling settings once, at registration, so a bad value fails start-up, and
 * caps its batch size at the largest batch its model accepts.
 */
import { log } from '../util/log.js'
import { ConfigError } from './errors.js'
import type { ModelLimits, OpSettings } from './op.js'

export function validateOpSettings(op: string, settings: OpSettings): Readonly<OpSettings> {
  const { batchSize, batchTimeoutMs, concurrency, queueSize } = settings
  requireInteger(op, 'batchSize', batchSize, 1)
  requireInteger(op, 'concurrency', concurrency, 1)
  requireInteger(op, 'queueSize', queueSize, 1)
  if (!Number.isFinite(batchTimeoutMs) || batchTimeoutMs < 0) {
    throw new ConfigError(`op "${op}": batchTimeoutMs must be a number ≥ 0, got ${batchTimeoutMs}`)
  }
  return Object.freeze({ batchSize, batchTimeoutMs, concurrency, queueSize })
}

/**
 * A batch larger than the model's fixed batch axis would fail every call, so the configured size
 * yields to it (logged once, at registration).
 */
export function capBatchSize(op: string, settings: Readonly<OpSettings>, limits: ModelLimits): Readonly<OpSettings> {
  const { maxBatch, model } = limits
  if (maxBatch === undefined) return settings
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new ConfigError(`op "${op}": the model's maxBatch must be an integer ≥ 1, got ${maxBatch}`)
  }
  if (settings.batchSize <= maxBatch) return settings
  const who = model === undefined ? 'its model' : `model ${model}`
  log.info(`op ${op}: batch_size ${settings.batchSize} capped at ${maxBatch} (${who} accepts batches of at most ${maxBatch})`)
  return Object.freeze({ ...settings, batchSize: maxBatch })
}

function requireInteger(op: string, key: keyof OpSettings, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`op "${op}": ${key} must be an integer ≥ ${min}, got ${value}`)
  }
}
