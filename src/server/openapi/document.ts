/**
 * The OpenAPI 3.1 document of this server as configured: the routes of every enabled task (from
 * its definition) and protocol (from its adapter's docs) and the server's own, each turned into
 * an operation from the zod schemas that validate it. Two routes on one method and path (PaddleX's
 * POST /ocr beside the native one) become one operation offering both.
 */
import { ppserveVersion } from '../../runtime/pull/provenance.js'
import type { ApiRoute } from '../../tasks/route-docs.js'
import { PROTOCOLS } from '../protocols/index.js'
import type { Services } from '../services.js'
import { openApiPath, tagName, toOperation } from './operation.js'
import { SchemaSet, type Json } from './schema-set.js'
import { serverRouteDocs } from './server-routes.js'
import { taskRouteDocs } from './task-routes.js'

const DESCRIPTION = `Vision model serving (PaddleOCR, PaddleClas, PP-ShiTu) with Paddle Serving, PaddleHub, PaddleX and KServe v2 protocols.

Image routes take the image three ways: its bytes (\`Content-Type: image/*\`) with the options in the query; \`multipart/form-data\` (file parts + option fields); JSON \`{"image": "<base64>"}\` or \`{"images": [...]}\` with the options beside. Query options apply to every form.

Native errors are \`{"error": {"code", "message"}}\`; the Paddle protocols answer in their own envelopes.`

/** Every route this server serves, in the order they are listed. */
export function routeDocs(services: Services): ApiRoute[] {
  const enabled = services.config.protocols as Record<string, { enabled: boolean } | undefined>
  return [
    ...services.tasks.flatMap((task) => taskRouteDocs(task, services.config.limits)),
    ...PROTOCOLS.filter((protocol) => enabled[protocol.name]?.enabled).flatMap((protocol) => protocol.docs(services)),
    ...serverRouteDocs(services),
  ]
}

const unique = <T>(items: T[], key: (item: T) => string): T[] => [...new Map(items.map((item) => [key(item), item])).values()]

/** Both contents of a media type both offer: either schema. */
function mergeContent(a: Json = {}, b: Json = {}): Json {
  const merged: Json = { ...a }
  for (const [type, media] of Object.entries(b)) {
    const first = merged[type] as Json | undefined
    merged[type] = first ? { schema: { oneOf: [first.schema, (media as Json).schema] } } : media
  }
  return merged
}

function mergeResponses(a: Record<string, Json>, b: Record<string, Json>): Record<string, Json> {
  const merged = { ...a }
  for (const [status, answer] of Object.entries(b)) {
    const first = merged[status]
    merged[status] = !first
      ? answer
      : {
          description: `${String(first.description)} / ${String(answer.description)}`,
          headers: { ...(first.headers as Json), ...(answer.headers as Json) },
          content: mergeContent(first.content as Json, answer.content as Json),
        }
  }
  return merged
}

/** One operation serving what `a` and `b` describe (the first route to match passes the other's requests on). */
function mergeOperations(a: Json, b: Json): Json {
  const bodies = [a.requestBody, b.requestBody] as Array<Json | undefined>
  const body = bodies[0] && bodies[1] ? { required: Boolean(bodies[0].required && bodies[1].required), content: mergeContent(bodies[0].content as Json, bodies[1].content as Json) } : (bodies[0] ?? bodies[1])
  const description = [a.description, b.description].filter(Boolean).join('\n\n')
  return {
    ...a,
    summary: `${String(a.summary)}; ${String(b.summary)}`,
    ...(description ? { description } : {}),
    tags: [...new Set([...(a.tags as string[]), ...(b.tags as string[])])],
    parameters: unique([...(a.parameters as Json[]), ...(b.parameters as Json[])], (p) => `${String(p.in)} ${String(p.name)}`),
    ...(body ? { requestBody: body } : {}),
    responses: mergeResponses(a.responses as Record<string, Json>, b.responses as Record<string, Json>),
  }
}

export function buildOpenApiDocument(services: Services): Json {
  const schemas = new SchemaSet()
  const settings = { schemas, maxImages: services.config.limits.max_images_per_request }
  const paths: Record<string, Record<string, Json>> = {}
  const security: Record<string, Json> = {}
  const routes = routeDocs(services)
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {})
    const operation = toOperation(route, settings)
    item[route.method] = item[route.method] ? mergeOperations(item[route.method]!, operation) : operation
    if (route.bearer) security[route.bearer.name] = { type: 'http', scheme: 'bearer', description: route.bearer.description }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ppserve', version: ppserveVersion(), description: DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    tags: [...new Set(routes.map((route) => tagName(route.tag)))].map((name) => ({ name })),
    paths,
    components: { schemas: schemas.components(), securitySchemes: security },
  }
}
