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

// Descriptions are the OpenAPI document's (GET /openapi.json); unset options take the configured values.
export const OcrOptionsSchema = z.strictObject({
  det: flag().optional().describe("Detect text regions; false = each image is one text line (rec only, like PaddleOCR's ocr_rec)."),
  cls: flag().optional().describe('Turn lines the direction classifier finds upside down (services.ocr.cls).'),
  rec: flag().optional().describe("Recognise text; false = regions only (det only, like PaddleOCR's ocr_det)."),
  drop_score: numeric({ min: 0, max: 1 }).optional().describe('Drop lines recognised with a lower confidence.'),
  limit_side_len: integer({ min: 32, max: 4096 }).optional().describe('Detection input size: the side limited by limit_type.'),
  limit_type: z.enum(['max', 'min']).optional().describe('max: the longer side is at most limit_side_len; min: the shorter side at least.'),
  thresh: numeric({ min: 0, max: 1 }).optional().describe('DB pixel threshold: probability-map pixels above it are text.'),
  box_thresh: numeric({ min: 0, max: 1 }).optional().describe('DB box threshold: boxes with a lower mean score are dropped.'),
  unclip_ratio: numeric({ min: 0.5, max: 5 }).optional().describe('DB box expansion: how far each text box is grown.'),
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
