/** Per-request PP-ShiTu options, bounded; unset ones take the configured defaults. */
import { z } from 'zod'
import { integer, numeric } from '../option-schema.js'
import type { RecognizeConfig } from './recognize-config.js'

const unit = () => numeric().pipe(z.number().min(0).max(1))

export const RecognizeOptionsSchema = z.strictObject({
  /** Gallery to search (an index folder name). */
  index: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'must be an index name (letters, digits, _ . -)').optional(),
  score_thres: unit().optional(),
  rec_nms_thresold: unit().optional(),
  /** Correctly spelt alias of PaddleClas's rec_nms_thresold. */
  rec_nms_threshold: unit().optional(),
  /** Candidates to return per box (adds `candidates` to each result). */
  return_k: integer().pipe(z.number().min(1).max(50)).optional(),
  max_det_results: integer().pipe(z.number().min(1).max(50)).optional(),
  det_threshold: unit().optional(),
})

export interface RecognizeOptions {
  readonly index: string
  readonly scoreThres: number
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
