/** The KServe v2 routes (./kserve-protocol.ts) for the OpenAPI document. */
import { z } from 'zod'
import { PROTOCOL_DATATYPES } from '../../../runtime/tensor-bytes.js'
import type { ApiResponse, ApiRoute } from '../../../tasks/route-docs.js'
import { InferRequestSchema } from './infer-request.js'
import { MODEL_VERSION, type RepositoryState } from './served-models.js'

const TAG = 'KServe v2'
const DATATYPES = Object.values(PROTOCOL_DATATYPES) as [string, ...string[]]
const STATES = { READY: true, UNAVAILABLE: true, LOADING: true } satisfies Record<RepositoryState, true>

const Tensor = z.strictObject({ name: z.string(), datatype: z.enum(DATATYPES), shape: z.array(z.number().int()).describe('-1: any size.') })
const ServerMetadata = z.strictObject({ name: z.string(), version: z.string(), extensions: z.array(z.string()) }).meta({ id: 'KServeServerMetadata' })
const ModelMetadata = z
  .strictObject({ name: z.string(), versions: z.array(z.string()), platform: z.string(), inputs: z.array(Tensor), outputs: z.array(Tensor) })
  .meta({ id: 'KServeModelMetadata' })
const InferResponse = z
  .strictObject({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(
      z.strictObject({
        name: z.string(),
        datatype: z.enum(DATATYPES),
        shape: z.array(z.number().int()),
        data: z.array(z.number()).optional().describe('Row-major values (JSON outputs).'),
        parameters: z.strictObject({ binary_data_size: z.number().int() }).optional().describe('Binary outputs: their bytes follow the JSON.'),
      }),
    ),
  })
  .meta({ id: 'KServeInferResponse' })
const RepositoryIndex = z
  .array(z.strictObject({ name: z.string(), version: z.string(), state: z.enum(Object.keys(STATES) as [RepositoryState, ...RepositoryState[]]), reason: z.string() }))
  .meta({ id: 'KServeRepositoryIndex' })
const KServeErrorSchema = z.strictObject({ error: z.string() }).meta({ id: 'KServeError' })

const Model = z.strictObject({ model: z.string().describe('A model package name.') })
const Versioned = Model.extend({ version: z.enum([MODEL_VERSION]).describe('A package has one version.') })
const Binary = { type: 'string', format: 'binary' }

const WHEN: Readonly<Record<number, string>> = {
  400: 'A bad request (JSON, datatype, shape, input or output name, a load that fails).',
  401: 'Load or unload without the configured token.',
  403: 'Load or unload from a non-loopback client when no token is configured.',
  404: 'Unknown model, version or package.',
  413: 'Body over limits.max_body_bytes.',
  503: 'The model is not loaded now, a queue is full, or shutting down.',
  504: 'The deadline passed.',
}

function answers(ok: ApiResponse, statuses: readonly number[]): Record<number, ApiResponse> {
  return { 200: ok, ...Object.fromEntries(statuses.map((status) => [status, { description: WHEN[status]!, content: { 'application/json': KServeErrorSchema } }])) }
}

const json = (description: string, schema: z.ZodType): ApiResponse => ({ description, content: { 'application/json': schema } })
const probe = (what: string): ApiResponse => ({ description: `${what} (empty body); 400 when not.` })
const route = (method: 'get' | 'post', path: string, summary: string, rest: Partial<ApiRoute> & Pick<ApiRoute, 'responses'>): ApiRoute => ({ method, path, tag: TAG, summary, ...rest })

function modelRoutes(base: string, params: z.ZodObject): ApiRoute[] {
  return [
    route('get', base, "Model metadata: the manifest's inputs and outputs", { params, responses: answers(json('The model.', ModelMetadata), [404, 503]) }),
    route('get', `${base}/ready`, 'Whether the model is ready', { params, responses: { 200: probe('Ready'), 400: { description: 'Not ready.' } } }),
    route('post', `${base}/infer`, 'Run the model on tensors (one engine request, batched with others)', {
      params,
      headers: z.object({
        'Inference-Header-Content-Length': z.string().regex(/^\d+$/).optional().describe("Binary tensor data: the JSON's length in bytes; the tensors follow it."),
        'Content-Encoding': z.enum(['gzip', 'deflate', 'identity']).optional(),
        'X-Deadline-Ms': z.string().regex(/^\d+$/).optional().describe('The deadline; default limits.default_deadline_ms.'),
      }),
      body: {
        content: {
          'application/json': InferRequestSchema,
          'application/octet-stream': { ...Binary, description: 'The JSON request then binary tensor data (Inference-Header-Content-Length).' },
        },
      },
      responses: answers(
        {
          description: 'The outputs; with binary outputs asked for, the JSON then their bytes (Inference-Header-Content-Length).',
          content: { 'application/json': InferResponse, 'application/octet-stream': Binary },
          headers: { 'Inference-Header-Content-Length': "Binary answers: the JSON's length in bytes." },
        },
        [400, 404, 413, 503, 504],
      ),
    }),
  ]
}

const admin = { name: 'kserveRepositoryToken', description: 'protocols.kserve.repository_token (or PPSERVE_KSERVE_TOKEN). With none configured, only loopback clients may load or unload.' }
const Parameters = z.strictObject({ parameters: z.record(z.string(), z.unknown()).optional().describe("Not supported: a package's manifest is its configuration.") })

export function kserveDocs(): ApiRoute[] {
  const metadata = answers(json('Server name, version and extensions.', ServerMetadata), [])
  const index = answers(json('Every package folder in models.dir.', RepositoryIndex), [400])
  const ready = z.strictObject({ ready: z.boolean().optional().describe('Only READY models.') })
  return [
    route('get', '/v2', 'Server metadata', { responses: metadata }),
    route('get', '/v2/', 'Server metadata', { responses: metadata }),
    route('get', '/v2/health/live', 'Liveness', { responses: { 200: probe('Live') } }),
    route('get', '/v2/health/ready', 'Readiness: every model loaded', { responses: { 200: probe('Ready'), 400: { description: 'Not ready.' } } }),
    ...modelRoutes('/v2/models/:model', Model),
    ...modelRoutes('/v2/models/:model/versions/:version', Versioned),
    route('post', '/v2/repository/index', 'List the model repository', { body: { required: false, content: { 'application/json': ready } }, responses: index }),
    route('get', '/v2/repository/index', 'List the model repository', {
      query: z.strictObject({ ready: z.enum(['true', 'false']).optional().describe('true: only READY models.') }),
      responses: index,
    }),
    route('post', '/v2/repository/models/:model/load', 'Load (or reload) a package from models.dir', {
      params: Model,
      body: { required: false, content: { 'application/json': Parameters } },
      responses: answers({ description: 'Loaded (empty body).' }, [400, 401, 403, 404]),
      bearer: admin,
    }),
    route('post', '/v2/repository/models/:model/unload', 'Unload a model (requests already received finish first)', {
      params: Model,
      body: { required: false, content: { 'application/json': Parameters } },
      responses: answers({ description: 'Unloaded (empty body).' }, [400, 401, 403, 404]),
      bearer: admin,
    }),
  ]
}
