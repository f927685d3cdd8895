/**
 * PaddleX's image classification operation (`POST /image-classification`,
 * paddlex/inference/serving/schemas/image_classification.py) over the classify task's default
 * classifier: `{image, topk}` → `{categories: [{id, name, score}], image}`, best first, `image`
 * the categories drawn on the picture (the task's overlay: a caption).
 */
import type { Context } from 'hono'
import { z } from 'zod'
import { NotFound } from '../../../engine/errors.js'
import type { Classification } from '../../../tasks/classification/classify-op.js'
import { serverTiming } from '../../server-timing.js'
import type { Services } from '../../services.js'
import { executeTask } from '../../task-request.js'
import { readFileField } from './file-input.js'
import { optional, paddlexSuccess, parseOperationBody } from './paddlex-envelope.js'
import { resultImage, type PaddleXSettings } from './paddlex-settings.js'

export const ClassificationRequestSchema = z.strictObject({
  image: z.string().min(1),
  topk: optional(z.number().int().positive()),
  visualize: optional(z.boolean()),
})

export async function paddlexImageClassification(c: Context, services: Services, settings: PaddleXSettings, body: unknown): Promise<Response> {
  const task = services.task('classify')
  if (!task) throw new NotFound('classification is not served here: the classify task is disabled (services.classify.enabled)')
  const request = parseOperationBody(ClassificationRequestSchema, body, 'POST /image-classification')
  const bytes = await readFileField(request.image, 'image', settings.fetch(c))
  const answer = await executeTask(services, task, {
    images: [bytes],
    options: { ...(request.topk === undefined || request.topk === null ? {} : { topk: request.topk }), ...settings.visualize(request.visualize) },
    drawing: settings.drawing(),
    deadlineHeader: c.req.header('x-deadline-ms'),
    requestId: c.get('requestId'),
    signal: c.req.raw.signal,
  })
  const result = answer.results[0] as Classification
  const categories = result.classIds.map((id, i) => ({ id, name: result.labelNames[i] ?? String(id), score: result.scores[i]! }))
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return paddlexSuccess(c, { categories, image: resultImage(answer) })
}
