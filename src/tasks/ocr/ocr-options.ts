/**
 * Per-request OCR options; unset ones take the service's configured value, then (det resize and
 * DB thresholds) the det package's manifest.
 */
import { z } from 'zod'
import type { OcrConfig } from './ocr-config.js'
import { InvalidOption } from '../../engine/errors.js'
import { flag, integer, numeric, parseOptions } from '../option-schema.js'
import type { DbParams } from './db-postprocess.js'
import type { LimitType } from './det-resize.js'
import type { DetDefaults } from './ocr-model-specs.js'

export const OcrOptionsSchema = z.strictObject({
  /** Detect text regions; off = each image is one text line (rec-only, like PaddleOCR's ocr_rec). */
  det: flag().optional(),
  /** Run the 180° direction classifier on each line. */
  cls: flag().optional(),
  /** Recognise text; off = regions only (det-only, like PaddleOCR's ocr_det). */
  rec: flag().optional(),
  drop_score: numeric().pipe(z.number().min(0).max(1)).optional(),
  limit_side_len: integer().pipe(z.number().min(32).max(4096)).optional(),
  limit_type: z.enum(['max', 'min']).optional(),
  /** DB pixel threshold: probability-map pixels above it are text. */
  thresh: numeric().pipe(z.number().min(0).max(1)).optional(),
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

export type ParsedOcrOptions = z.output<typeof OcrOptionsSchema>

/** `detDefaults`: the det package's (detDefaultsOf). */
export function resolveOcrOptions(raw: Record<string, unknown>, config: OcrConfig, detDefaults: DetDefaults): OcrOptions {
  return applyOcrDefaults(parseOptions(OcrOptionsSchema, raw), config, detDefaults)
}

/** Options already checked against OcrOptionsSchema; unset ones from the config, then the det package. */
export function applyOcrDefaults(options: ParsedOcrOptions, config: OcrConfig, detDefaults: DetDefaults): OcrOptions {
  const overrides = config.det
  const resolved: OcrOptions = {
    det: options.det ?? true,
    cls: options.cls ?? config.cls.enabled,
    rec: options.rec ?? true,
    dropScore: options.drop_score ?? config.rec.drop_score,
    limitSideLen: options.limit_side_len ?? overrides.limit_side_len ?? detDefaults.limitSideLen,
    limitType: options.limit_type ?? overrides.limit_type ?? detDefaults.limitType,
    db: {
      thresh: options.thresh ?? overrides.thresh ?? detDefaults.db.thresh,
      boxThresh: options.box_thresh ?? overrides.box_thresh ?? detDefaults.db.boxThresh,
      unclipRatio: options.unclip_ratio ?? overrides.unclip_ratio ?? detDefaults.db.unclipRatio,
      maxCandidates: overrides.max_candidates ?? detDefaults.db.maxCandidates,
    },
    clsThresh: config.cls.thresh,
  }
  if (!resolved.det && !resolved.rec) throw new InvalidOption('invalid options: det and rec cannot both be false')
  return resolved
}
