/** Per-request OCR options; unset ones take the service's configured defaults. */
import { z } from 'zod'
import type { OcrServiceConfig } from '../../config/schema.js'
import { InvalidOption } from '../../engine/errors.js'
import { flag, integer, numeric, parseOptions } from '../option-schema.js'
import type { DbParams } from './db-postprocess.js'
import type { LimitType } from './det-resize.js'

const OcrOptionsSchema = z.strictObject({
  /** Detect text regions; off = each image is one text line (rec-only, like PaddleOCR's ocr_rec). */
  det: flag().optional(),
  /** Run the 180° direction classifier on each line. */
  cls: flag().optional(),
  /** Recognise text; off = regions only (det-only, like PaddleOCR's ocr_det). */
  rec: flag().optional(),
  drop_score: numeric().pipe(z.number().min(0).max(1)).optional(),
  limit_side_len: integer().pipe(z.number().min(32).max(4096)).optional(),
  limit_type: z.enum(['max', 'min']).optional(),
  box_thresh: numeric().pipe(z.number().min(0).max(1)).optional(),
  unclip_ratio: numeric().pipe(z.number().min(0.5).max(5)).optional(),
})

export interface OcrOptions {
  readonly det: boolean
  readonly cls: boolean
  readonly rec: boolean
  readonly dropScore: number
  readonly limitSideLen: number
  readonly limitType: LimitType
  readonly db: DbParams
  readonly clsThresh: number
}

export function resolveOcrOptions(raw: Record<string, unknown>, config: OcrServiceConfig): OcrOptions {
  const options = parseOptions(OcrOptionsSchema, raw)
  const resolved: OcrOptions = {
    det: options.det ?? true,
    cls: options.cls ?? config.cls.enabled,
    rec: options.rec ?? true,
    dropScore: options.drop_score ?? config.rec.drop_score,
    limitSideLen: options.limit_side_len ?? config.det.limit_side_len,
    limitType: options.limit_type ?? config.det.limit_type,
    db: {
      thresh: config.det.thresh,
      boxThresh: options.box_thresh ?? config.det.box_thresh,
      unclipRatio: options.unclip_ratio ?? config.det.unclip_ratio,
      maxCandidates: config.det.max_candidates,
    },
    clsThresh: config.cls.thresh,
  }
  if (!resolved.det && !resolved.rec) throw new InvalidOption('invalid options: det and rec cannot both be false')
  return resolved
}
