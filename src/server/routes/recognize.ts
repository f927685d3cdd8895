/** `POST /recognize`: PP-ShiTu over one or more images, per image `[{bbox, rec_docs, rec_scores}]`. */
import { Hono } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { RecognitionService } from '../../tasks/recognition/recognition-service.js'
import { readImageRequest } from '../image-request.js'
import { requestDeadlineMs } from '../request-deadline.js'
import { serverTiming } from '../server-timing.js'

/** Scores are rounded here, at the response edge. */
const round5 = (value: number) => Math.round(value * 1e5) / 1e5

export function recognizeRoutes(engine: Engine, service: RecognitionService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  app.post('/recognize', async (c) => {
    const { images, options } = await readImageRequest(c.req, config.limits.max_images_per_request)
    const { deadline_ms: deadlineOption, ...recognizeOptions } = options
    const deadlineMs = requestDeadlineMs(deadlineOption, c.req.header('x-deadline-ms'), config.limits)
    const parsed = service.options(recognizeOptions)
    const ctx = engine.createContext({ deadlineMs, requestId: c.get('requestId'), signal: c.req.raw.signal })
    const results = await engine.serve('recognize', ctx, (ctx) => service.recognize(images, parsed, ctx))
    c.header('Server-Timing', serverTiming(ctx.timings, performance.now() - ctx.startedAt))
    const rounded = results.map((objects) =>
      objects.map((o) => ({
        ...o,
        rec_scores: round5(o.rec_scores),
        ...(o.candidates ? { candidates: o.candidates.map((h) => ({ ...h, score: round5(h.score) })) } : {}),
      })),
    )
    return c.json({ index: parsed.index, results: rounded })
  })
  return app
}
