/** One route description (../../tasks/route-docs.ts) → an OpenAPI 3.1 operation. */
import type { ApiResponse, ApiRoute, ImagesBody } from '../../tasks/route-docs.js'
import { nativeErrorResponse } from './native-errors.js'
import type { Json, SchemaSet } from './schema-set.js'

export interface OperationSettings {
  readonly schemas: SchemaSet
  /** limits.max_images_per_request */
  readonly maxImages: number
}

const PARAM = /:([A-Za-z0-9_]+)/g

/** hono's `/classify/:model` → OpenAPI's `/classify/{model}`. */
export const openApiPath = (path: string): string => path.replace(PARAM, '{$1}')

export const pathParamNames = (path: string): string[] => [...path.matchAll(PARAM)].map((match) => match[1]!)

/** Each property of an object schema as one parameter, its description lifted onto the parameter. */
function parameters(where: 'path' | 'query' | 'header', object: Json | undefined): Json[] {
  const properties = (object?.properties ?? {}) as Record<string, Json>
  const required = new Set((object?.required ?? []) as string[])
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(description === undefined ? {} : { description }),
    schema,
  }))
}

function pathParameters(route: ApiRoute, schemas: SchemaSet): Json[] {
  const declared = parameters('path', route.params && schemas.convert(route.params, 'input'))
  const names = pathParamNames(route.path)
  const stray = declared.find((param) => !names.includes(param.name as string))
  if (stray) throw new Error(`${route.method.toUpperCase()} ${route.path} describes a path parameter "${String(stray.name)}" it does not have`)
  return names.map((name) => declared.find((param) => param.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } })
}

const BINARY = { type: 'string', format: 'binary' }
const BASE64 = { type: 'string', contentEncoding: 'base64', description: 'The image file in base64 (a data: URL prefix is accepted).' }

/** The three native forms of an image request (../image-request.ts), around the options' schema. */
function imagesContent(options: Json, maxImages: number): Json {
  const fields = (options.properties ?? {}) as Json
  const required = (options.required ?? []) as string[]
  const raw = { schema: { ...BINARY, description: 'The image file itself; options go in the query.' } }
  const files = maxImages > 1 ? { type: 'array', items: BINARY, minItems: 1, maxItems: maxImages, description: 'Every file part is an image, in order.' } : BINARY
  return {
    'image/*': raw,
    'application/octet-stream': raw,
    'multipart/form-data': { schema: { type: 'object', properties: { image: files, ...fields }, required: ['image', ...required] } },
    'application/json': {
      schema: {
        type: 'object',
        properties: { image: BASE64, images: { type: 'array', items: BASE64, minItems: 1, maxItems: maxImages }, ...fields },
        ...(required.length > 0 ? { required } : {}),
        oneOf: [{ required: ['image'] }, { required: ['images'] }],
        additionalProperties: false,
      },
    },
  }
}

function withDefaults(options: Json, defaults: ImagesBody['defaults'] = {}): Json {
  const properties = { ...((options.properties ?? {}) as Record<string, Json>) }
  for (const [name, value] of Object.entries(defaults)) {
    if (properties[name] && value !== undefined) properties[name] = { ...properties[name], default: value }
  }
  return { ...options, properties }
}

function body(route: ApiRoute, settings: OperationSettings): { requestBody?: Json; query: Json[] } {
  const { schemas } = settings
  const query = route.query ? parameters('query', schemas.convert(route.query, 'input')) : []
  if (!route.body) return { query }
  if ('images' in route.body) {
    const { options, maxImages, defaults } = route.body.images
    const json = withDefaults(schemas.convert(options, 'input'), defaults)
    // Options may come in the query whatever the form, so none is required there.
    const optionParams = parameters('query', json).map((param) => ({ ...param, required: false }))
    return { query: [...query, ...optionParams], requestBody: { required: true, content: imagesContent(json, Math.min(maxImages ?? Infinity, settings.maxImages)) } }
  }
  const content = Object.fromEntries(Object.entries(route.body.content).map(([type, schema]) => [type, { schema: schemas.convert(schema, 'input') }]))
  const description = route.body.description === undefined ? {} : { description: route.body.description }
  return { query, requestBody: { required: route.body.required ?? true, ...description, content } }
}

function response(answer: ApiResponse, schemas: SchemaSet): Json {
  const headers = Object.entries(answer.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }])
  const content = Object.entries(answer.content ?? {}).map(([type, schema]) => [type, { schema: schemas.convert(schema, 'output') }])
  return {
    description: answer.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(content.length > 0 ? { content: Object.fromEntries(content) } : {}),
  }
}

/** Group names as shown: capitalised (task titles are lower case for messages: "classification"). */
export const tagName = (tag: string): string => tag.charAt(0).toUpperCase() + tag.slice(1)

export const operationId = (route: ApiRoute): string => `${route.method}${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`

export function toOperation(route: ApiRoute, settings: OperationSettings): Json {
  const { schemas } = settings
  const { query, requestBody } = body(route, settings)
  const headers = route.headers ? parameters('header', schemas.convert(route.headers, 'input')) : []
  const answers = Object.entries(route.responses).map(([status, answer]) => [status, response(answer, schemas)])
  const errors = (route.errors ?? []).map((status) => [String(status), response(nativeErrorResponse(status), schemas)])
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [tagName(route.tag)],
    parameters: [...pathParameters(route, schemas), ...query, ...headers],
    ...(requestBody ? { requestBody } : {}),
    responses: Object.fromEntries([...answers, ...errors]),
    // An empty requirement too: the token is needed only when one is configured.
    ...(route.bearer ? { security: [{ [route.bearer.name]: [] }, {}] } : {}),
  }
}
