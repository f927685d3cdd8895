/** The OCR task's part of the OpenAPI document: its answer, and the defaults its options take here. */
import { z } from 'zod'
import type { TaskDocs } from '../route-docs.js'
import type { OcrConfig } from './ocr-config.js'
import type { OcrService } from './ocr-service.js'

const Point = z.tuple([z.number(), z.number()])

// Fields as PaddleHub's ocr_system names them; det=false leaves out text_region, rec=false text and confidence.
export const OcrLineSchema = z
  .strictObject({
    text: z.string().optional(),
    confidence: z.number().min(0).max(1).optional(),
    text_region: z.array(Point).optional().describe("The line's quadrilateral: [x, y] corners clockwise from top-left, in image pixels."),
  })
  .meta({ id: 'OcrLine' })

export const OcrResponseSchema = z
  .strictObject({ results: z.array(z.array(OcrLineSchema)).describe('One list per image, in request order; lines in reading order.') })
  .meta({ id: 'OcrResponse' })

export const ocrDocs: TaskDocs<OcrConfig, OcrService> = {
  summary: 'Read text: PP-OCR detection → direction classifier → recognition',
  description: "Options not given take services.ocr, then the detection package's manifest (the defaults shown are this server's).",
  response: OcrResponseSchema,
  defaults(service) {
    const o = service.resolveOptions({})
    return {
      det: o.det,
      cls: o.cls,
      rec: o.rec,
      drop_score: o.dropScore,
      limit_side_len: o.limitSideLen,
      limit_type: o.limitType,
      thresh: o.db.thresh,
      box_thresh: o.db.boxThresh,
      unclip_ratio: o.db.unclipRatio,
    }
  },
}
