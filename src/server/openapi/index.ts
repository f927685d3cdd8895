/** GET /openapi.json and /docs for a server: the document is built on first use, from its configuration. */
import type { Hono } from 'hono'
import type { Services } from '../services.js'
import { docsRoutes } from './docs-page.js'
import { buildOpenApiDocument } from './document.js'

export function openApiRoutes(services: Services): Hono {
  let document: unknown
  return docsRoutes(() => (document ??= buildOpenApiDocument(services)))
}
