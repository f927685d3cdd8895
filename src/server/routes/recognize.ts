/** `POST /recognize`: PP-ShiTu over one or more images, per image `[{bbox, rec_docs, rec_scores}]`. */
import { Hono } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { RecognitionService } from '../../tasks/recognition/recognition-service.js'
import { roundScore } from '../round-score.js'
import { runServiceRequest } from '../service-request.js'


export function recognizeRoutes(engine: Engine, service: RecognitionService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  app.post('/recognize', async (c) => {
    const { options, result: results } = await runServiceRequest(c, engine, config, {
      service: 'recognize',
      parseOptions: (raw) => service.options(raw),
      run: (images, options, ctx) => service.recognize(images, options, ctx),
    })
    const rounded = results.map((objects) =>
      objects.map((o) => ({
        ...o,
        rec_scores: roundScore(o.rec_scores),
        ...(o.candidates ? { candidates: o.candidates.map((h) => ({ ...h, score: roundScore(h.score) })) } : {}),
      })),
    )
    return c.json({ index: options.index, results: rounded })
  })
  return app
}
