/**
 * Building blocks for request-option schemas. Options arrive as JSON values or as strings (query
 * string, multipart fields), so booleans and numbers accept their string forms; anything else is
 * an InvalidOption naming the option.
 */
import { z } from 'zod'
import { InvalidOption } from '../engine/errors.js'
import { clipText, quoteList, quoteValue } from '../util/quote.js'

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

export const flag = () =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value
    const text = value.trim().toLowerCase()
    if (TRUE.has(text)) return true
    if (FALSE.has(text)) return false
    return value
  }, z.boolean())

/** Inclusive bounds of a numeric option. */
export interface Range {
  readonly min?: number
  readonly max?: number
}

const toNumber = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value)

function bounded(schema: z.ZodNumber, { min, max }: Range): z.ZodNumber {
  const low = min === undefined ? schema : schema.min(min)
  return max === undefined ? low : low.max(max)
}

// The bounds sit inside the preprocess step (not in a .pipe after it) so that the JSON Schema of
// the option (z.toJSONSchema, io: 'input': the OpenAPI document) carries its type and range.
export const numeric = (range: Range = {}) => z.preprocess(toNumber, bounded(z.number(), range))

/** `abort`: a fraction is reported as such, not also as out of range. */
export const integer = (range: Range = {}) => z.preprocess(toNumber, bounded(z.number().int({ abort: true }), range))

/** Parses options with a strict schema, turning the first problems into one InvalidOption. */
export function parseOptions<T>(schema: z.ZodType<T>, raw: Record<string, unknown>): T {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown option${issue.keys.length > 1 ? 's' : ''} ${quoteList(issue.keys)}`
    const key = String(issue.path[0] ?? '(options)')
    // Quoted values are cut short: a 10 MB value must not come back in the error body.
    return `${clipText(key)}: ${issue.message} (got ${quoteValue(raw[key])})`
  })
  throw new InvalidOption(`invalid options: ${problems.slice(0, 10).join('; ')}`)
}
