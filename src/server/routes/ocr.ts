/** `POST /ocr`: PP-OCRv4 det → cls → rec over one or more images. */
import { Hono } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { OcrService } from '../../tasks/ocr/ocr-service.js'
import { runServiceRequest } from '../service-request.js'

export function ocrRoutes(engine: Engine, ocr: OcrService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  app.post('/ocr', async (c) => {
    const { result } = await runServiceRequest(c, engine, config, {
      service: 'ocr',
      parseOptions: (raw) => ocr.options(raw),
      run: (images, options, ctx) => ocr.recognize(images, options, ctx),
    })
    return c.json({ results: result })
  })
  return app
}
