/**
 * The hono application: request ids, body limit, the service routes, and the single error
 * handler. No tensors here: routes hand bytes and options to services.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { NotFound, PayloadTooLarge } from '../engine/errors.js'
import { errorResponse } from './error-response.js'
import { classifyRoutes } from './routes/classify.js'
import { galleryRoutes } from './routes/gallery.js'
import { healthRoutes } from './routes/health.js'
import { ocrRoutes } from './routes/ocr.js'
import { recognizeRoutes } from './routes/recognize.js'
import type { Services } from './services.js'

export interface AppState {
  /** Set once shutdown begins: /readyz turns 503 and responses close their connections. */
  shuttingDown: boolean
}

export function createApp(services: Services, state: AppState = { shuttingDown: false }): Hono {
  const { config, engine, registry, ocr, classify, recognize } = services
  const app = new Hono()
  app.use(requestId({ headerName: 'X-Request-Id' }))
  app.use(async (c, next) => {
    await next()
    if (state.shuttingDown) c.header('Connection', 'close')
  })
  app.use(
    '*',
    bodyLimit({
      maxSize: config.limits.max_body_bytes,
      onError: () => {
        throw new PayloadTooLarge(`request body is larger than limits.max_body_bytes (${config.limits.max_body_bytes} bytes)`)
      },
    }),
  )
  app.route('/', healthRoutes(registry, () => state.shuttingDown))
  if (ocr) app.route('/', ocrRoutes(engine, ocr, config))
  if (classify) app.route('/', classifyRoutes(engine, classify, config))
  if (recognize) {
    app.route('/', recognizeRoutes(engine, recognize, config))
    app.route('/', galleryRoutes(engine, recognize, config))
  }
  app.notFound((c) => errorResponse(new NotFound(`no route ${c.req.method} ${c.req.path}`), c))
  app.onError((error, c) => errorResponse(error, c))
  return app
}
