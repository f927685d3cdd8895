/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every configured model loaded). */
import { Hono } from 'hono'
import type { ModelRegistry } from '../../runtime/model-registry.js'

export function healthRoutes(registry: ModelRegistry, isShuttingDown: () => boolean): Hono {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', (c) => {
    const models = registry.list()
    const ready = !isShuttingDown() && registry.allReady() && models.length > 0
    const body = { ready, shutting_down: isShuttingDown(), models }
    return c.json(body, ready ? 200 : 503)
  })
  return app
}
