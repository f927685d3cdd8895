/**
 * The deadline of one request: the `deadline_ms` option or the `X-Deadline-Ms` header, else the
 * configured default; bounded by `limits.max_deadline_ms`.
 */
import { InvalidOption } from '../engine/errors.js'
import { integer } from '../tasks/option-schema.js'
import { quoteValue } from '../util/quote.js'

/** The `deadline_ms` option as the OpenAPI document shows it (checked by requestDeadlineMs below). */
export const deadlineOptionSchema = (limits: { default_deadline_ms: number; max_deadline_ms: number }) =>
  integer({ min: 1, max: limits.max_deadline_ms })
    .optional()
    .describe(`This request's deadline in ms (or header X-Deadline-Ms); default limits.default_deadline_ms (${limits.default_deadline_ms}).`)

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
