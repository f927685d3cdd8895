/**
 * The hono application: request metrics, request ids, body limit, health, metrics, the routes of
 * every running task (from the task registry), and the single error handler. No tensors here.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { NotFound, PayloadTooLarge } from '../engine/errors.js'
import { clipText } from '../util/quote.js'
import { errorResponse } from './error-response.js'
import { httpMetrics, METRICS_PROTOCOL, RouteLabels } from './http-metrics.js'
import { openApiRoutes } from './openapi/index.js'
import { PROTOCOLS } from './protocols/index.js'
import { healthRoutes } from './routes/health.js'
import { webPageRoutes } from './routes/web-page.js'
import type { Services } from './services.js'
import { answerTaskRoute, routeKit } from './task-request.js'

export interface AppState {
  /** Set once shutdown begins: /readyz turns 503 and responses close their connections. */
  shuttingDown: boolean
}

const hasBody = (c: Context): boolean => (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined

export function createApp(services: Services, state: AppState = { shuttingDown: false }): Hono {
  const { config, registry, metrics } = services
  const app = new Hono()
  // Each group of routes is mounted through `routes`, which labels them for the request metrics.
  const routes = new RouteLabels()
  if (metrics) app.use(httpMetrics(metrics, routes))
  app.use(requestId({ headerName: 'X-Request-Id' }))
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    // Every answer says how long the server took (errors too: a 503's own time under a burst).
    if (!c.res.headers.has('Server-Timing')) c.header('Server-Timing', `total;dur=${(performance.now() - started).toFixed(1)}`)
    // A body left unread (an answer given before reading it: unknown route, service or model)
    // would stall the connection's next request until the server gives up and resets it.
    if (state.shuttingDown || (hasBody(c) && !c.req.raw.bodyUsed)) c.header('Connection', 'close')
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
  routes.mount(app, { protocol: 'health', service: 'health' }, () => app.route('/', healthRoutes(registry, () => state.shuttingDown)))
  if (metrics) {
    routes.mount(app, { protocol: METRICS_PROTOCOL, service: 'metrics' }, () =>
      app.get('/metrics', async (c) => c.body(await metrics.scrape(), 200, { 'Content-Type': metrics.contentType })),
    )
  }
  if (config.web.enabled) routes.mount(app, { protocol: 'web', service: 'web' }, () => app.route('/', webPageRoutes(services)))
  // Protocols first: an adapter may share a native path (PaddleX's POST /ocr) and pass the
  // requests that are not in its envelope on to the task route with next().
  const protocols = config.protocols as Record<string, { enabled: boolean } | undefined>
  for (const protocol of PROTOCOLS) {
    if (!protocols[protocol.name]?.enabled) continue
    routes.mount(app, { protocol: protocol.name, service: protocol.service }, () => app.route('/', protocol.routes(services)))
  }
  const kit = routeKit(services)
  for (const task of services.tasks) {
    // The task's routes count as its service, the gallery API (engine service `gallery`) included.
    routes.mount(app, { protocol: 'native', service: task.definition.name }, () => {
      for (const route of task.definition.routes) app.post(route.path, (c) => answerTaskRoute(c, services, task))
      if (task.definition.extraRoutes) app.route('/', task.definition.extraRoutes(task.service, kit, task.config))
    })
  }
  // Last, so routes mounted before keep their requests (/{service}/prediction also matches /docs/prediction).
  if (config.openapi.enabled) routes.mount(app, { protocol: 'docs', service: 'docs' }, () => app.route('/', openApiRoutes(services)))
  app.notFound((c) => errorResponse(new NotFound(`no route ${c.req.method} ${clipText(c.req.path)}`), c))
  app.onError((error, c) => errorResponse(error, c))
  return app
}
