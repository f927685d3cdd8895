/**
 * The `key`/`value` lists of a Paddle Serving pipeline answer, per task, as the official web
 * services fill them (their postprocess returns a dict; the ResponseOp sends its keys in order and
 * its str() values). Every value is a Python literal JSON can read too (./python-literal.ts).
 * - ocr: PaddleOCR deploy/pdserving/web_service.py → `result`: `[[(text, score), [[x, y] ×4]], ...]`
 *   (a list in place of the tuple); det=false as web_service_rec.py → `res`: `[text, ...]`;
 *   rec=false as web_service_det.py → `dt_boxes`: `[[[x, y] ×4], ...]` (Paddle prints a numpy array).
 * - classify: PaddleClas deploy/paddleserving/classification_web_service.py → `label`, `prob`: top-1
 *   of each image, label without commas (as Paddle strips its label file's), unrounded score.
 * - recognize: PaddleClas deploy/paddleserving/recognition/recognition_web_service.py → `result`:
 *   `[{"bbox": [x1, y1, x2, y2], "rec_docs": label, "rec_scores": score}, ...]`.
 */
import type { Classification } from '../../tasks/classification/classify-op.js'
import type { OcrLine } from '../../tasks/ocr/ocr-service.js'
import type { OcrOptions } from '../../tasks/ocr/ocr-options.js'
import type { RecognizedObject } from '../../tasks/recognition/rec-results.js'
import type { TASK_TABLE } from '../../tasks/registry.js'
import { toPythonLiteral } from './python-literal.js'

export interface PipelineValues {
  readonly key: string[]
  readonly value: string[]
}

export interface PipelineFormat {
  /** Paddle's OCR and recognition services read one image (key "image") per request. */
  readonly oneImage: boolean
  values(results: unknown[], options: unknown): PipelineValues
}

function ocrValues(results: OcrLine[][], options: OcrOptions): PipelineValues {
  const lines = results[0]!
  if (!options.det) return { key: ['res'], value: [toPythonLiteral(lines.map((line) => line.text!))] }
  if (!options.rec) return { key: ['dt_boxes'], value: [toPythonLiteral(lines.map((line) => line.text_region!))] }
  const pairs = lines.map((line) => [[line.text!, line.confidence!], line.text_region!])
  return { key: ['result'], value: [toPythonLiteral(pairs)] }
}

/** Paddle Serving's imagenet.label lines end with a comma; Paddle removes every comma of the name. */
const pipelineLabel = (name: string): string => name.replace(/,/g, '').trim()

function classifyValues(results: Classification[]): PipelineValues {
  return {
    key: ['label', 'prob'],
    value: [toPythonLiteral(results.map((r) => pipelineLabel(r.labelNames[0]!))), toPythonLiteral(results.map((r) => r.scores[0]!))],
  }
}

function recognizeValues(results: RecognizedObject[][]): PipelineValues {
  const objects = results[0]!.map(({ bbox, rec_docs, rec_scores, candidates }) => ({
    bbox,
    rec_docs,
    rec_scores,
    ...(candidates ? { candidates } : {}),
  }))
  return { key: ['result'], value: [toPythonLiteral(objects)] }
}

/** The tasks the pipeline protocol can answer for, by task name. */
export const PIPELINE_FORMATS: Partial<Record<keyof typeof TASK_TABLE, PipelineFormat>> = {
  ocr: { oneImage: true, values: (results, options) => ocrValues(results as OcrLine[][], options as OcrOptions) },
  classify: { oneImage: false, values: (results) => classifyValues(results as Classification[]) },
  recognize: { oneImage: true, values: (results) => recognizeValues(results as RecognizedObject[][]) },
}
