/** Per-request classification options. */
import { z } from 'zod'
import { integer } from '../option-schema.js'

export const ClassifyOptionsSchema = z.strictObject({
  /** Which configured classifier (the path of `/classify/{model}`); default `default_model`. */
  model: z.string().min(1).max(128).optional(),
  /** How many classes to return, best first. */
  topk: integer().pipe(z.number().min(1).max(20)).optional(),
})

export type ParsedClassifyOptions = z.output<typeof ClassifyOptionsSchema>

export interface ClassifyOptions {
  readonly model: string
  readonly topk: number
}
