/** Per-request classification options. */
import { z } from 'zod'
import { integer, parseOptions } from '../option-schema.js'

const ClassifyOptionsSchema = z.strictObject({
  /** How many classes to return, best first. */
  topk: integer().pipe(z.number().min(1).max(20)).optional(),
})

export interface ClassifyOptions {
  readonly topk: number
}

export function resolveClassifyOptions(raw: Record<string, unknown>, defaultTopk: number): ClassifyOptions {
  const options = parseOptions(ClassifyOptionsSchema, raw)
  return { topk: options.topk ?? defaultTopk }
}
