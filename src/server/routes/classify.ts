/**
 * `POST /classify` (the configured default classifier) and `POST /classify/{model}`: per image
 * PaddleClas's `{class_ids, scores, label_names}` plus Paddle Serving's top-1 `label` and `prob`.
 */
import { Hono, type Context } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { ClassificationService } from '../../tasks/classification/classification-service.js'
import type { Classification } from '../../tasks/classification/classify-op.js'
import { readImageRequest } from '../image-request.js'
import { requestDeadlineMs } from '../request-deadline.js'
import { serverTiming } from '../server-timing.js'

/** Scores are rounded here, at the response edge, to PaddleClas's 5 decimals. */
const round5 = (value: number) => Math.round(value * 1e5) / 1e5

function toResponse(result: Classification) {
  return {
    class_ids: result.classIds,
    scores: result.scores.map(round5),
    label_names: result.labelNames,
    label: result.labelNames[0],
    prob: round5(result.scores[0]!),
  }
}

export function classifyRoutes(engine: Engine, service: ClassificationService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  const handle = async (c: Context, model: string) => {
    const { images, options } = await readImageRequest(c.req, config.limits.max_images_per_request)
    const { deadline_ms: deadlineOption, ...classifyOptions } = options
    const deadlineMs = requestDeadlineMs(deadlineOption, c.req.header('x-deadline-ms'), config.limits)
    const parsed = service.options(classifyOptions, model)
    const ctx = engine.createContext({ deadlineMs, requestId: c.get('requestId'), signal: c.req.raw.signal })
    const results = await engine.serve('classify', ctx, (ctx) => service.classify(model, images, parsed, ctx))
    c.header('Server-Timing', serverTiming(ctx.timings, performance.now() - ctx.startedAt))
    return c.json({ model, results: results.map(toResponse) })
  }
  app.post('/classify', (c) => handle(c, service.defaultModel))
  app.post('/classify/:model', (c) => handle(c, c.req.param('model')))
  return app
}
