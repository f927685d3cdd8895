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

export const numeric = () =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), z.number())

export const integer = () =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), z.number().int())

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
