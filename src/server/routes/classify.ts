/**
 * `POST /classify` (the configured default classifier) and `POST /classify/{model}`: per image
 * PaddleClas's `{class_ids, scores, label_names}` plus Paddle Serving's top-1 `label` and `prob`.
 */
import { Hono, type Context } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import type { ClassificationService } from '../../tasks/classification/classification-service.js'
import type { Classification } from '../../tasks/classification/classify-op.js'
import { roundScore } from '../round-score.js'
import { runServiceRequest } from '../service-request.js'


function toResponse(result: Classification) {
  return {
    class_ids: result.classIds,
    scores: result.scores.map(roundScore),
    label_names: result.labelNames,
    label: result.labelNames[0],
    prob: roundScore(result.scores[0]!),
  }
}

export function classifyRoutes(engine: Engine, service: ClassificationService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  const handle = async (c: Context, model: string) => {
    const { result } = await runServiceRequest(c, engine, config, {
      service: 'classify',
      parseOptions: (raw) => service.options(raw, model),
      run: (images, options, ctx) => service.classify(model, images, options, ctx),
    })
    return c.json({ model, results: result.map(toResponse) })
  }
  app.post('/classify', (c) => handle(c, service.defaultModel))
  app.post('/classify/:model', (c) => handle(c, c.req.param('model')))
  return app
}
