/**
 * KServe v2 / Open Inference Protocol over HTTP (kserve docs/predict-api/v2/required_api.md),
 * with Triton's model repository and binary tensor data extensions
 * (triton-inference-server/server docs/protocol/extension_*.md), in the encoding tritonclient.http uses:
 *
 *   GET  /v2                                   server metadata
 *   GET  /v2/health/live | /v2/health/ready    200, or 400 when not ready (empty bodies)
 *   GET  /v2/models/{m}[/versions/1]           model metadata (the manifest's tensors)
 *   GET  /v2/models/{m}[/versions/1]/ready
 *   POST /v2/models/{m}[/versions/1]/infer     one engine request through `kserve:<m>`
 *   POST /v2/repository/index                  every package in models.dir (GET too)
 *   POST /v2/repository/models/{m}/load|unload admin: bearer token or loopback
 *
 * Errors are `{"error": "<message>"}` with the status of the typed error (400 for bad requests).
 */
import { Hono, type Context } from 'hono'
import { InvalidInput, NotFound } from '../../../engine/errors.js'
import type { Model } from '../../../runtime/model.js'
import { hasDynamicBatch } from '../../../runtime/model-signature.js'
import { ppserveVersion } from '../../../runtime/pull/provenance.js'
import { clipText, quoteList } from '../../../util/quote.js'
import { adminAccess } from '../../admin-access.js'
import { statusOf } from '../../error-response.js'
import { checkJsonDepth } from '../../input-limits.js'
import { requestDeadlineMs } from '../../request-deadline.js'
import { serverTiming } from '../../server-timing.js'
import type { Services } from '../../services.js'
import { envelopeError } from '../envelope-errors.js'
import type { ProtocolAdapter } from '../protocol.js'
import { decodeInputs, parseInferBody, requestedOutputs } from './infer-request.js'
import { inferResponse } from './infer-response.js'
import type { KServeConfig } from './kserve-config.js'
import { kserveDocs } from './kserve-docs.js'
import { modelMetadata } from './model-metadata.js'
import { MODEL_VERSION, ServedModels } from './served-models.js'

const EXTENSIONS = ['model_repository', 'binary_tensor_data']

function kserveError(error: unknown, c: Context): Response {
  const typed = envelopeError(error, c)
  // The protocol answers every malformed request with 400; ppserve's 422 (invalid option) and 415 are ours.
  const status = typed.code === 'invalid_option' || typed.code === 'unsupported_media_type' ? 400 : statusOf(typed)
  if (typed.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer')
  // The unread rest of an oversized body makes the connection unusable for a next request.
  if (typed.code === 'payload_too_large') c.header('Connection', 'close')
  return c.json({ error: typed.message }, status)
}

const modelOf = (c: Context): string => c.req.param('model') ?? ''

function checkVersion(c: Context): void {
  const version = c.req.param('version')
  if (version !== undefined && version !== MODEL_VERSION) {
    throw new NotFound(`model ${modelOf(c)} has no version "${version}" (versions: ${MODEL_VERSION})`)
  }
}

/** An optional JSON body (tritonclient sends "" or `{"parameters": ...}`). */
async function optionalJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // answered below
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInput('the request body must be empty or a JSON object')
  checkJsonDepth(value)
  return value as Record<string, unknown>
}

// One per Services: its engine ops can be registered only once, however many apps serve it.
const SERVED = new WeakMap<Services, ServedModels>()

function servedModelsOf(services: Services, config: KServeConfig): ServedModels {
  let served = SERVED.get(services)
  if (!served) SERVED.set(services, (served = new ServedModels(services, config)))
  return served
}

export function kserveRoutes(services: Services, config: KServeConfig): Hono {
  const app = new Hono()
  const served = servedModelsOf(services, config)
  const { engine, registry } = services
  const limits = services.config.limits
  // Every model already loaded by the tasks is servable from the start.
  for (const state of registry.list()) {
    const model = registry.get(state.name)
    if (model) served.opFor(model)
  }
  const admin = adminAccess(config.repository_token ?? undefined, {
    needsToken: 'loading or unloading models needs Authorization: Bearer <token>',
    localOnly: 'no repository token is configured, so models can only be loaded or unloaded from this machine (set protocols.kserve.repository_token or PPSERVE_KSERVE_TOKEN)',
  })
  app.onError(kserveError)

  const serverMetadata = (c: Context) => c.json({ name: 'ppserve', version: ppserveVersion(), extensions: EXTENSIONS })
  app.get('/v2', serverMetadata)
  app.get('/v2/', serverMetadata)
  app.get('/v2/health/live', (c) => c.body(null, 200))
  app.get('/v2/health/ready', (c) => c.body(null, registry.allReady() ? 200 : 400))

  for (const base of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(base, (c) => {
      checkVersion(c)
      return c.json(modelMetadata(served.current(modelOf(c)), MODEL_VERSION))
    })
    app.get(`${base}/ready`, (c) => {
      const ready = (c.req.param('version') ?? MODEL_VERSION) === MODEL_VERSION && served.isReady(modelOf(c))
      return c.body(null, ready ? 200 : 400)
    })
    app.post(`${base}/infer`, async (c) => {
      const name = modelOf(c)
      // The version serving when the request arrived, held until the answer: an unload or a reload
      // meanwhile lets the request finish on it. Failures are thrown once the body is read, since
      // an answer that leaves it unread breaks the client's next request on this connection.
      let lease: { model: Model; release: () => void } | undefined
      let refused: unknown
      try {
        const model = served.current(name)
        lease = { model, release: model.acquire() }
      } catch (error) {
        refused = error
      }
      try {
        const raw = new Uint8Array(await c.req.arrayBuffer())
        checkVersion(c)
        if (!lease) throw refused
        const { model } = lease
        const deadlineMs = requestDeadlineMs(undefined, c.req.header('x-deadline-ms'), limits)
        const body = parseInferBody(raw, c.req.header('inference-header-content-length'), c.req.header('content-encoding'), limits.max_body_bytes)
        const signature = model.signature
        const inputs = decodeInputs(body, signature, name)
        const outputs = requestedOutputs(body.request, signature, name)
        const op = served.opFor(model)
        const ctx = engine.createContext({ deadlineMs, requestId: c.get('requestId'), signal: c.req.raw.signal })
        const tensors = await engine.serve('kserve', ctx, (ctx) => op.run({ model, inputs, batchable: hasDynamicBatch(signature) }, ctx))
        const timing = serverTiming(ctx.timings, performance.now() - ctx.startedAt)
        return inferResponse({ model: name, version: MODEL_VERSION, id: body.request.id, outputs, tensors }, { 'server-timing': timing })
      } finally {
        lease?.release()
      }
    })
  }

  const index = async (c: Context) => {
    const { ready } = c.req.method === 'POST' ? await optionalJson(c) : { ready: c.req.query('ready') === 'true' }
    return c.json(await served.index(ready === true))
  }
  app.post('/v2/repository/index', index)
  app.get('/v2/repository/index', index)
  app.post('/v2/repository/models/:model/load', admin, async (c) => {
    const parameters = (await optionalJson(c)).parameters
    if (parameters && typeof parameters === 'object' && Object.keys(parameters).length > 0) {
      throw new InvalidInput(`load parameters (${quoteList(Object.keys(parameters))}) are not supported: a package's manifest.yml is its configuration`)
    }
    await served.load(modelOf(c))
    return c.body(null, 200)
  })
  app.post('/v2/repository/models/:model/unload', admin, async (c) => {
    await optionalJson(c) // unload_dependents: no ensembles here, nothing depends on a package
    await served.unload(modelOf(c))
    return c.body(null, 200)
  })
  app.all('/v2/*', (c) => {
    throw new NotFound(`no KServe v2 route ${c.req.method} ${clipText(c.req.path)}`)
  })
  return app
}

export const kserveProtocol: ProtocolAdapter = {
  name: 'kserve',
  service: 'kserve',
  routes: (services) => kserveRoutes(services, services.config.protocols.kserve),
  docs: kserveDocs,
}
