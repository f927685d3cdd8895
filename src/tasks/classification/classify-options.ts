/** Per-request classification options. */
import { z } from 'zod'
import { integer } from '../option-schema.js'

export const ClassifyOptionsSchema = z.strictObject({
  model: z.string().min(1).max(128).optional().describe('Which configured classifier (the path of /classify/{model}); default services.classify.default_model.'),
  topk: integer({ min: 1, max: 20 }).optional().describe("How many classes to return, best first; default the package's Topk."),
})

export type ParsedClassifyOptions = z.output<typeof ClassifyOptionsSchema>

export interface ClassifyOptions {
  readonly model: string
  readonly topk: number
}
