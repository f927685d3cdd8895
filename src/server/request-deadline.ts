/**
 * The deadline of one request: the `deadline_ms` option or the `X-Deadline-Ms` header, else the
 * configured default; bounded by `limits.max_deadline_ms`.
 */
import { InvalidOption } from '../engine/errors.js'
import { quoteValue } from '../util/quote.js'

export function requestDeadlineMs(
  option: unknown,
  header: string | undefined,
  limits: { default_deadline_ms: number; max_deadline_ms: number },
): number {
  const raw = option ?? header
  if (raw === undefined || raw === '') return limits.default_deadline_ms
  // Only numbers and strings convert: Number() of nested arrays recurses through their toString.
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN
  if (!Number.isInteger(value) || value < 1 || value > limits.max_deadline_ms) {
    throw new InvalidOption(`deadline_ms must be an integer from 1 to ${limits.max_deadline_ms}, got ${quoteValue(raw)}`)
  }
  return value
}
