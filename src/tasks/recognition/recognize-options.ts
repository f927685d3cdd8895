/** Per-request PP-ShiTu options, bounded; unset ones take the configured defaults. */
import { z } from 'zod'
import { integer, numeric } from '../option-schema.js'
import type { RecognizeConfig } from './recognize-config.js'

const unit = () => numeric({ min: 0, max: 1 })

export const RecognizeOptionsSchema = z.strictObject({
  index: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'must be an index name (letters, digits, _ . -)')
    .optional()
    .describe('Gallery to search (an index folder name).'),
  score_thres: z
    .union([z.literal('auto'), unit()], { error: 'must be a number from 0 to 1, or "auto"' })
    .optional()
    .describe("A box is kept when its best gallery hit's similarity reaches this; `auto`: the searched gallery's fitted threshold; unset: the configured score_thres."),
  rec_nms_thresold: unit().optional().describe('IoU above which overlapping recognised boxes are merged (PaddleClas spelling).'),
  rec_nms_threshold: unit().optional().describe('Correctly spelt alias of rec_nms_thresold.'),
  return_k: integer({ min: 1, max: 50 }).optional().describe('Candidates to return per box (adds `candidates` to each result).'),
  max_det_results: integer({ min: 1, max: 50 }).optional().describe('Mainbody detections kept per image (the whole image is always searched too).'),
  det_threshold: unit().optional().describe('Mainbody detector score threshold.'),
})

export interface RecognizeOptions {
  readonly index: string
  /** `auto`: the searched gallery's fitted threshold, resolved when the gallery is opened. */
  readonly scoreThres: number | 'auto'
  readonly nmsThres: number
  /** Undefined: only the top-1 per box, as PaddleClas returns it. */
  readonly returnK: number | undefined
  readonly maxDetResults: number
  readonly detThreshold: number
}

export type ParsedRecognizeOptions = z.output<typeof RecognizeOptionsSchema>

export function applyRecognizeDefaults(o: ParsedRecognizeOptions, config: RecognizeConfig): RecognizeOptions {
  return {
    index: o.index ?? config.default_index,
    scoreThres: o.score_thres ?? config.score_thres,
    nmsThres: o.rec_nms_threshold ?? o.rec_nms_thresold ?? config.rec_nms_thresold,
    returnK: o.return_k,
    maxDetResults: o.max_det_results ?? config.max_det_results,
    detThreshold: o.det_threshold ?? config.det_threshold,
  }
}
