/** `POST /ocr`: PP-OCRv4 det → cls → rec over one or more images. */
import { Hono } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { OcrService } from '../../tasks/ocr/ocr-service.js'
import { readImageRequest } from '../image-request.js'
import { requestDeadlineMs } from '../request-deadline.js'
import { serverTiming } from '../server-timing.js'

export function ocrRoutes(engine: Engine, ocr: OcrService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  app.post('/ocr', async (c) => {
    const { images, options } = await readImageRequest(c.req, config.limits.max_images_per_request)
    const { deadline_ms: deadlineOption, ...ocrOptions } = options
    const deadlineMs = requestDeadlineMs(deadlineOption, c.req.header('x-deadline-ms'), config.limits)
    const parsed = ocr.options(ocrOptions)
    const ctx = engine.createContext({ deadlineMs, requestId: c.get('requestId'), signal: c.req.raw.signal })
    const results = await engine.serve('ocr', ctx, (ctx) => ocr.recognize(images, parsed, ctx))
    c.header('Server-Timing', serverTiming(ctx.timings, performance.now() - ctx.startedAt))
    return c.json({ results })
  })
  return app
}
