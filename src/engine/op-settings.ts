/** Checks an op's scheduling settings once, at registration, so a bad value fails start-up. */
import { ConfigError } from './errors.js'
import type { OpSettings } from './op.js'

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

function requireInteger(op: string, key: keyof OpSettings, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`op "${op}": ${key} must be an integer ≥ ${min}, got ${value}`)
  }
}
