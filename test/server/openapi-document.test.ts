/**
 * GET /openapi.json: valid OpenAPI 3.1, every route the app registers is in it (and nothing
 * else), options carry their types, ranges and this server's defaults, path enums follow the
 * config, and a task or protocol switched off (or added outside src/) changes the document.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { z } from 'zod'
import { createApp } from '../../src/server/app.js'
import { TASKS } from '../../src/tasks/registry.js'
import { testServices } from '../helpers/services.js'
import { echoSessions, echoTask, writeEchoPackage } from '../tasks/echo/echo-task.js'
import { startOpenApiServer, type Json, type OpenApiEnv } from '../helpers/openapi-env.js'

const documentOf = async (app: { request(path: string): Response | Promise<Response> }): Promise<Json> => {
  const response = await app.request('/openapi.json')
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  return (await response.json()) as Json
}

const operationsOf = (document: Json): string[] =>
  Object.entries(document.paths as Json).flatMap(([route, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${route}`))

const parameter = (operation: Json, where: string, name: string): Json | undefined =>
  (operation.parameters as Json[]).find((p) => p.in === where && p.name === name)

describe('GET /openapi.json with every task and protocol on', () => {
  let env: OpenApiEnv
  let document: Json
  let registered: string[]
  before(async () => {
    env = await startOpenApiServer({ services: { ocr: { enabled: true, rec: { drop_score: 0.4 } } } })
    const app = createApp(env.server.services)
    document = await documentOf(app)
    // Middleware (method ALL: the body limit, request ids, compression) and wildcard catch-alls
    // (KServe's `/v2/*` 404) are not routes of their own.
    registered = [
      ...new Set(app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*')).map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)),
    ]
  })
  after(() => env?.close())

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(document))
    assert.equal(validator.version, '3.1')
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2)?.slice(0, 3000))
  })

  it('has only schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false })
    const schemas: Json[] = []
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect)
      else if (typeof value === 'object' && value !== null) {
        if ('schema' in value && typeof value.schema === 'object') schemas.push(value.schema as Json)
        else Object.values(value).forEach(collect)
      }
    }
    collect(document.paths)
    schemas.push(...(Object.values(document.components.schemas) as Json[]))
    assert.ok(schemas.length > 100, `${schemas.length} schemas`)
    for (const schema of schemas) assert.doesNotThrow(() => ajv.compile({ ...schema, components: document.components }), JSON.stringify(schema).slice(0, 300))
  })

  it('lists every route the app registers, and only those', () => {
    assert.ok(registered.length > 30, `only ${registered.length} routes registered`)
    const documented = new Set(operationsOf(document))
    assert.deepEqual(registered.filter((route) => !documented.has(route)), [], 'registered but not in /openapi.json')
    assert.deepEqual([...documented].filter((route) => !registered.includes(route)), [], 'in /openapi.json but not registered')
  })

  it("lists every option of every running task's schema on its routes, in the query and in the JSON body", () => {
    for (const task of env.server.services.tasks) {
      const options = task.definition.optionsSchema
      assert.ok(options instanceof z.ZodObject)
      for (const route of task.definition.routes) {
        const operation = document.paths[route.path.replace(/:([a-z_]+)/g, '{$1}')].post
        const json = operation.requestBody.content['application/json'].schema
        const body = json.properties ? json : json.oneOf[0] // POST /ocr: the native form first, then PaddleX's
        for (const name of [...Object.keys(options.shape), 'deadline_ms']) {
          if (route.path.includes(`:${name}`)) continue
          assert.ok(parameter(operation, 'query', name), `${route.path}: query option ${name}`)
          assert.ok(body.properties[name], `${route.path}: JSON option ${name}`)
        }
      }
    }
  })

  it("gives options their type, range and this server's default", () => {
    const ocr = document.paths['/ocr'].post
    assert.deepEqual(parameter(ocr, 'query', 'drop_score')!.schema, { type: 'number', minimum: 0, maximum: 1, default: 0.4 }) // the config's, not 0.5
    assert.deepEqual(parameter(ocr, 'query', 'limit_side_len')!.schema, { type: 'integer', minimum: 32, maximum: 4096, default: 960 }) // the det manifest's
    assert.deepEqual(parameter(ocr, 'query', 'limit_type')!.schema, { type: 'string', enum: ['max', 'min'], default: 'max' })
    assert.equal(parameter(ocr, 'query', 'det')!.schema.type, 'boolean')
    assert.match(parameter(ocr, 'query', 'thresh')!.description, /DB pixel threshold/)
    assert.deepEqual(parameter(ocr, 'query', 'deadline_ms')!.schema, { type: 'integer', minimum: 1, maximum: 300000, default: 30000 })
    const topk = parameter(document.paths['/classify'].post, 'query', 'topk')!.schema
    assert.deepEqual([topk.type, topk.minimum, topk.maximum], ['integer', 1, 20])
  })

  it('offers drawn results on the routes of tasks that draw them: option visualize, visualizations, image/jpeg', () => {
    for (const route of ['/ocr', '/classify', '/classify/{model}', '/recognize']) {
      const operation = document.paths[route].post
      assert.deepEqual(parameter(operation, 'query', 'visualize')?.schema, { type: 'boolean', default: false }, route)
      assert.ok(operation.responses['200'].content['image/jpeg'], route)
    }
    assert.equal(document.components.schemas.OcrResponse.properties.visualizations.items.type, 'string')
  })

  it('offers the three image forms, with limits.max_images_per_request', () => {
    const content = document.paths['/classify'].post.requestBody.content
    assert.deepEqual(Object.keys(content).sort(), ['application/json', 'application/octet-stream', 'image/*', 'multipart/form-data'])
    assert.equal(content['multipart/form-data'].schema.properties.image.items.format, 'binary')
    assert.equal(content['application/json'].schema.properties.images.maxItems, 16)
    assert.equal(content['application/json'].schema.additionalProperties, false)
  })

  it('takes path enums from the config: classifiers, pipeline services, hub modules', () => {
    const classify = document.paths['/classify/{model}'].post
    assert.deepEqual(parameter(classify, 'path', 'model')!.schema.enum, ['text_direction'])
    assert.equal(parameter(classify, 'query', 'model'), undefined, 'the path parameter is not also a query option')
    assert.deepEqual(parameter(document.paths['/{service}/prediction'].post, 'path', 'service')!.schema.enum, ['ocr', 'imagenet', 'recognition'])
    assert.deepEqual(parameter(document.paths['/predict/{module}'].post, 'path', 'module')!.schema.enum, ['ocr_system', 'ocr_det', 'ocr_rec'])
  })

  it("offers both native and PaddleX's bodies and answers on the shared POST /ocr", () => {
    const ocr = document.paths['/ocr'].post
    const refs = ocr.responses['200'].content['application/json'].schema.oneOf.map((s: Json) => s.$ref)
    assert.deepEqual(refs, ['#/components/schemas/OcrResponse', '#/components/schemas/PaddleXOcrAnswer'])
    assert.ok(ocr.requestBody.content['application/json'].schema.oneOf[1].required.includes('file'))
    assert.deepEqual(ocr.tags, ['OCR', 'PaddleX'])
  })

  it('documents native errors with their codes, and gallery changes with the bearer token', () => {
    const unprocessable = document.paths['/ocr'].post.responses['422']
    assert.match(unprocessable.description, /invalid_option/)
    const add = document.paths['/gallery/{index}/items'].post
    assert.deepEqual(add.security, [{ galleryToken: [] }, {}])
    assert.equal(document.components.securitySchemes.galleryToken.scheme, 'bearer')
    assert.equal(add.requestBody.content['application/json'].schema.properties.images.maxItems, 1)
  })
})

describe('GET /openapi.json follows the configuration', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-openapi-config-'))
    await writeEchoPackage(dir)
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('leaves out disabled tasks and protocols, and lists a task registered outside src/', async () => {
    const services = await testServices(
      {
        models: { dir, auto_pull: false },
        services: { ocr: { enabled: false }, echo: { enabled: true } },
        protocols: { kserve: { enabled: false }, paddlex: { enabled: false } },
        metrics: { enabled: false },
      },
      { tasks: [...TASKS, echoTask], sessionFactory: echoSessions([]) },
    )
    try {
      const document = await documentOf(createApp(services))
      const paths = Object.keys(document.paths)
      for (const gone of ['/ocr', '/classify', '/v2', '/image-classification', '/health', '/metrics']) assert.ok(!paths.includes(gone), gone)
      assert.ok(paths.includes('/echo') && paths.includes('/echo/{tag}'), paths.join(' '))
      const echo = document.paths['/echo'].post
      assert.equal(parameter(echo, 'query', 'scale')!.schema.type, 'number')
      assert.equal(parameter(echo, 'query', 'tag')!.schema.maxLength, 32)
      assert.equal(parameter(document.paths['/echo/{tag}'].post, 'path', 'tag')!.required, true)
    } finally {
      await services.stop()
    }
  })

  it('answers 404 for /openapi.json and /docs with openapi.enabled false', async () => {
    const services = await testServices({ models: { dir, auto_pull: false }, services: { ocr: { enabled: false } }, openapi: { enabled: false } })
    try {
      const app = createApp(services)
      for (const route of ['/openapi.json', '/docs', '/docs/swagger-ui.css']) assert.equal((await app.request(route)).status, 404, route)
    } finally {
      await services.stop()
    }
  })
})
