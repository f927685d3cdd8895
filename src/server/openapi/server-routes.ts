/** The server's own routes for the document: health, readiness, metrics, the web page, and the documentation itself. */
import { z } from 'zod'
import type { ModelStateName } from '../../runtime/model-registry.js'
import type { ApiRoute } from '../../tasks/route-docs.js'
import { webPageRouteDocs } from '../routes/web-page.js'
import type { Services } from '../services.js'
import { DOCS_ASSETS } from './docs-page.js'

const TAG = 'server'
const STATES = { loading: true, ready: true, missing: true, failed: true, unloaded: true, unreachable: true } satisfies Record<ModelStateName, true>

const ReadinessSchema = z
  .strictObject({
    ready: z.boolean(),
    shutting_down: z.boolean(),
    models: z.array(
      z.strictObject({
        name: z.string(),
        state: z.enum(Object.keys(STATES) as [ModelStateName, ...ModelStateName[]]),
        message: z.string().optional().describe('Why it is not ready, and how to get it.'),
      }),
    ),
  })
  .meta({ id: 'Readiness' })

const text = (description: string, type: string) => ({ description, content: { [type]: { type: 'string' } } })

export function serverRouteDocs(services: Services): ApiRoute[] {
  const routes: ApiRoute[] = [
    {
      method: 'get',
      path: '/healthz',
      tag: TAG,
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Up.', content: { 'application/json': z.strictObject({ status: z.literal('ok') }) } } },
    },
    {
      method: 'get',
      path: '/readyz',
      tag: TAG,
      summary: 'Readiness: every configured model loaded',
      responses: {
        200: { description: 'Ready.', content: { 'application/json': ReadinessSchema } },
        503: { description: 'Not ready (a model is missing, loading or failed), or shutting down.', content: { 'application/json': ReadinessSchema } },
      },
    },
  ]
  if (services.metrics) {
    routes.push({
      method: 'get',
      path: '/metrics',
      tag: TAG,
      summary: 'Prometheus metrics: requests, latencies, op stages, batch sizes, queues, models, galleries, process',
      responses: { 200: text('Prometheus text format.', 'text/plain') },
    })
  }
  routes.push(
    { method: 'get', path: '/openapi.json', tag: TAG, summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': { type: 'object' } } } } },
    { method: 'get', path: '/docs', tag: TAG, summary: 'This document, rendered (Swagger UI)', responses: { 200: text('The page.', 'text/html') } },
    {
      method: 'get',
      path: '/docs/:asset',
      tag: TAG,
      summary: 'A file of the /docs page',
      params: z.strictObject({ asset: z.enum(Object.keys(DOCS_ASSETS) as [string, ...string[]]) }),
      responses: { 200: { description: 'The file.', content: { '*/*': { type: 'string', format: 'binary' } } } },
      errors: [404],
    },
  )
  if (services.config.web.enabled) routes.push(...webPageRouteDocs())
  return routes
}
