/**
 * PaddleX's OCR operation (`POST /ocr`, paddlex/inference/serving/schemas/ocr.py) over the ocr
 * task. Request fields map onto the task's options; the result is one `ocrResults` entry (an image
 * is one page) whose `prunedResult` has the OCR pipeline's keys (dt_polys, text_det_params,
 * rec_texts, rec_scores, rec_polys, rec_boxes, ...) and whose `ocrImage` is the lines drawn over
 * the image. PDFs (fileType 0) and the document preprocessing models are not available here.
 */
import type { Context } from 'hono'
import { z } from 'zod'
import { InvalidOption, NotFound } from '../../../engine/errors.js'
import type { OcrLine } from '../../../tasks/ocr/ocr-service.js'
import type { OcrOptions } from '../../../tasks/ocr/ocr-options.js'
import { serverTiming } from '../../server-timing.js'
import type { Services } from '../../services.js'
import { executeTask } from '../../task-request.js'
import { looksLikePdf, readFileField } from './file-input.js'
import { optional, paddlexSuccess, parseOperationBody, withFieldNames } from './paddlex-envelope.js'
import { imageDataInfo, resultImage, type PaddleXSettings } from './paddlex-settings.js'

export const OcrRequestSchema = z.strictObject({
  file: z.string().min(1),
  fileType: optional(z.union([z.literal(0), z.literal(1)])),
  useDocOrientationClassify: optional(z.boolean()),
  useDocUnwarping: optional(z.boolean()),
  useTextlineOrientation: optional(z.boolean()),
  textDetLimitSideLen: optional(z.number().int()),
  textDetLimitType: optional(z.string()),
  textDetThresh: optional(z.number()),
  textDetBoxThresh: optional(z.number()),
  textDetUnclipRatio: optional(z.number()),
  textRecScoreThresh: optional(z.number().min(0)),
  visualize: optional(z.boolean()),
})

type OcrRequest = z.output<typeof OcrRequestSchema>

/** The ocr task's option → the PaddleX field it comes from (for error messages). */
const FIELD_NAMES = {
  limit_side_len: 'textDetLimitSideLen',
  limit_type: 'textDetLimitType',
  box_thresh: 'textDetBoxThresh',
  unclip_ratio: 'textDetUnclipRatio',
  thresh: 'textDetThresh',
  cls: 'useTextlineOrientation',
}

const PDF_UNSUPPORTED = 'PDF files (fileType 0) are not supported by this server: send each page as an image (fileType 1)'

function refuseUnavailable(request: OcrRequest): void {
  if (request.fileType === 0) throw new InvalidOption(PDF_UNSUPPORTED)
  if (request.useDocOrientationClassify) {
    throw new InvalidOption('useDocOrientationClassify: this server has no document orientation model; send false or null')
  }
  if (request.useDocUnwarping) throw new InvalidOption('useDocUnwarping: this server has no document unwarping model; send false or null')
}

/** Defined values only: the task's defaults apply to the rest. */
function taskOptions(request: OcrRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {
    limit_side_len: request.textDetLimitSideLen,
    limit_type: request.textDetLimitType,
    thresh: request.textDetThresh,
    box_thresh: request.textDetBoxThresh,
    unclip_ratio: request.textDetUnclipRatio,
    cls: request.useTextlineOrientation,
    // Every detected line comes back, so dt_polys is complete; textRecScoreThresh filters rec_*.
    drop_score: 0,
  }
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== null))
}

type Poly = Array<[number, number]>

function boundingBox(poly: Poly): [number, number, number, number] {
  const xs = poly.map(([x]) => x)
  const ys = poly.map(([, y]) => y)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

/** The OCR pipeline's result keys for one image (its `res`, without input_path and page_index). */
function prunedResult(lines: readonly OcrLine[], options: OcrOptions, scoreThresh: number) {
  const kept = lines.filter((line) => line.confidence! >= scoreThresh)
  return {
    model_settings: { use_doc_preprocessor: false, use_textline_orientation: options.cls },
    dt_polys: lines.map((line) => line.text_region!),
    text_det_params: {
      limit_side_len: options.limitSideLen,
      limit_type: options.limitType,
      thresh: options.db.thresh,
      box_thresh: options.db.boxThresh,
      unclip_ratio: options.db.unclipRatio,
    },
    text_type: 'general',
    text_rec_score_thresh: scoreThresh,
    rec_texts: kept.map((line) => line.text!),
    rec_scores: kept.map((line) => line.confidence!),
    rec_polys: kept.map((line) => line.text_region!),
    rec_boxes: kept.map((line) => boundingBox(line.text_region!)),
  }
}

export async function paddlexOcr(c: Context, services: Services, settings: PaddleXSettings, body: unknown): Promise<Response> {
  const task = services.task('ocr')
  if (!task) throw new NotFound('OCR is not served here: the ocr task is disabled (services.ocr.enabled)')
  const request = parseOperationBody(OcrRequestSchema, body, 'POST /ocr')
  refuseUnavailable(request)
  const bytes = await readFileField(request.file, 'file', settings.fetch(c))
  if (looksLikePdf(bytes)) throw new InvalidOption(PDF_UNSUPPORTED)
  const scoreThresh = request.textRecScoreThresh ?? services.config.services.ocr.rec.drop_score
  const answer = await withFieldNames(FIELD_NAMES, () =>
    executeTask(services, task, {
      images: [bytes],
      options: { ...taskOptions(request), ...settings.visualize(request.visualize) },
      // PaddleX draws the lines it reports in rec_*: those reaching textRecScoreThresh.
      drawing: settings.drawing((lines) => (lines as OcrLine[]).filter((line) => line.confidence! >= scoreThresh)),
      deadlineHeader: c.req.header('x-deadline-ms'),
      requestId: c.get('requestId'),
      signal: c.req.raw.signal,
    }),
  )
  const lines = answer.results[0] as OcrLine[]
  const pruned = prunedResult(lines, answer.options as OcrOptions, scoreThresh)
  const dataInfo = await imageDataInfo(bytes)
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return paddlexSuccess(c, {
    ocrResults: [{ prunedResult: pruned, ocrImage: resultImage(answer), docPreprocessingImage: null, inputImage: null }],
    dataInfo,
  })
}
