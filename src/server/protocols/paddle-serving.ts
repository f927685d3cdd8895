/**
 * The Paddle Serving pipeline protocol (SPEC.md §1), as PaddleOCR's and PaddleClas's web services
 * and their pipeline_http_client.py speak it: `POST /{service}/prediction` with
 * `{"key": [...], "value": [...], "logid"?}` (sent without a Content-Type), answered with HTTP 200
 * and `{"err_no", "err_msg", "key", "value", "tensors": []}` whatever happened.
 * Paddle's RequestOp zips key and value into a dict; its image ops read every key (imagenet) or
 * key "image" (ocr, recognition). Here a key that names an option of the task (or deadline_ms)
 * is that option, every other key is one image.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { ConfigError, InvalidInput, type ErrorCode } from '../../engine/errors.js'
import { clipText, quoteList, quoteValue } from '../../util/quote.js'
import { decodeBase64 } from '../base64.js'
import { labelOutcome, labelService } from '../request-labels.js'
import { serverTiming } from '../server-timing.js'
import type { RunningTask, Services } from '../services.js'
import { executeTask } from '../task-request.js'
import { envelopeError, readJsonBody } from './envelope-errors.js'
import { PIPELINE_FORMATS, type PipelineFormat, type PipelineValues } from './paddle-serving-values.js'
import { paddleServingDocs } from './paddle-serving-docs.js'
import type { ProtocolAdapter } from './protocol.js'

const EXAMPLE = '{"key": ["image"], "value": ["<base64 of the image file>"]}'

/** Paddle's err_no for each typed error (Serving python/pipeline/error_catch.py CustomExceptionCode). */
const ERR_NO: Record<ErrorCode, number> = {
  invalid_input: 5000, // INPUT_PARAMS_ERROR
  invalid_option: 5000,
  unsupported_media_type: 5000,
  payload_too_large: 5000,
  not_found: 5000, // an option naming a classifier or gallery that does not exist
  deadline_exceeded: 6000, // TIMEOUT
  model_not_ready: 3003, // INIT_ERROR: the service's models did not load
  cancelled: 3001, // CLOSED_ERROR: shutting down (or the client left)
  overloaded: 10000, // UNKNOW: Paddle has no code for it (it queues without bound); the message says so
  unauthorized: 10000,
  forbidden: 10000,
  config_error: 10000,
  model_load_error: 10000,
  inference_error: 10000,
  internal: 10000,
}
const NO_SERVICE = 3002

interface PipelineService {
  readonly task: RunningTask
  readonly format: PipelineFormat
  /** Keys that are options rather than images. */
  readonly optionKeys: ReadonlySet<string>
}

function envelope(errNo: number, errMsg: string, values: PipelineValues = { key: [], value: [] }) {
  return { err_no: errNo, err_msg: errMsg, key: values.key, value: values.value, tensors: [] }
}

function optionKeysOf(task: RunningTask): Set<string> {
  const schema = task.definition.optionsSchema
  return new Set([...(schema instanceof z.ZodObject ? Object.keys(schema.shape) : []), 'deadline_ms'])
}

/** Each configured service: running, or why it does not answer. Unknown tasks stop start-up. */
function resolveServices(services: Services): Map<string, PipelineService | string> {
  const known = Object.keys(services.config.services)
  const resolved = new Map<string, PipelineService | string>()
  for (const [name, taskName] of Object.entries(services.config.protocols.paddle_serving.services)) {
    const format = PIPELINE_FORMATS[taskName as keyof typeof PIPELINE_FORMATS]
    if (!known.includes(taskName) || !format) {
      const supported = Object.keys(PIPELINE_FORMATS).filter((t) => known.includes(t))
      throw new ConfigError(`protocols.paddle_serving.services.${name}: task "${taskName}" cannot be served over the pipeline protocol (tasks: ${supported.join(', ')})`)
    }
    const task = services.task(taskName)
    resolved.set(name, task ? { task, format, optionKeys: optionKeysOf(task) } : `service "${name}" runs task ${taskName}, which is disabled (services.${taskName}.enabled)`)
  }
  return resolved
}

/**
 * First segments of task routes that `/{x}/prediction` also matches (`/classify/:model`): protocols
 * are mounted before the tasks, so requests there that name no pipeline service go on to them.
 */
function taskRouteSegments(services: Services): Set<string> {
  const segments = new Set<string>()
  for (const task of services.tasks) {
    for (const { path } of task.definition.routes) {
      const [first, second, ...rest] = path.split('/').slice(1)
      if (rest.length === 0 && (second?.startsWith(':') || second === 'prediction')) segments.add(first!)
    }
  }
  return segments
}

interface PipelineRequest {
  readonly images: Array<{ key: string; base64: string }>
  readonly options: Record<string, string>
  readonly logid: string | undefined
}

function parseRequest(body: unknown, optionKeys: ReadonlySet<string>): PipelineRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput(`body must be a JSON object like ${EXAMPLE}`)
  const { key, value, logid, tensors } = body as Record<string, unknown>
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string')
  if (!strings(key) || !strings(value)) throw new InvalidInput(`"key" and "value" must be lists of strings, like ${EXAMPLE}`)
  const keys = key as string[]
  const values = value as string[]
  if (keys.length !== values.length) throw new InvalidInput(`"key" has ${keys.length} entries and "value" ${values.length}; they pair up one to one`)
  if (Array.isArray(tensors) && tensors.length > 0) throw new InvalidInput('"tensors" are not supported; send each image as base64 in "value"')
  if (logid !== undefined && typeof logid !== 'number' && typeof logid !== 'string') throw new InvalidInput('"logid" must be a number')
  const images: PipelineRequest['images'] = []
  const options: Record<string, string> = {}
  const seen = new Set<string>() // not keys.indexOf: quadratic in a body of 100,000 keys
  keys.forEach((name, i) => {
    // Paddle's dict keeps only the last of a repeated key; an error is clearer than a lost image.
    if (seen.has(name)) throw new InvalidInput(`key ${quoteValue(name)} appears twice; give each image its own key (image_0, image_1, ...)`)
    seen.add(name)
    if (optionKeys.has(name)) options[name] = values[i]!
    else images.push({ key: name, base64: values[i]! })
  })
  return { images, options, logid: logid === undefined ? undefined : String(logid) }
}

async function predict(c: Context, services: Services, service: PipelineService): Promise<Response> {
  const body = await readJsonBody(c, EXAMPLE)
  const request = parseRequest(body, service.optionKeys)
  const { images } = request
  if (images.length === 0) throw new InvalidInput(`no image: send ${EXAMPLE}`)
  if (service.format.oneImage && images.length > 1) {
    throw new InvalidInput(`this service reads one image per request (Paddle's reads key "image" only); got ${images.length}: ${quoteList(images.map((i) => i.key))}`)
  }
  const max = services.config.limits.max_images_per_request
  if (images.length > max) throw new InvalidInput(`request has ${images.length} images; at most ${max} are accepted per request`)
  const answer = await executeTask(services, service.task, {
    images: images.map((image) => decodeBase64(image.base64, `value of key "${clipText(image.key)}"`)),
    options: request.options,
    deadlineHeader: c.req.header('x-deadline-ms'),
    requestId: request.logid !== undefined ? `logid-${request.logid}` : c.get('requestId'),
    signal: c.req.raw.signal,
  })
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return c.json(envelope(0, '', service.format.values(answer.results, answer.options)))
}

export const paddleServingProtocol: ProtocolAdapter = {
  name: 'paddle_serving',
  docs: (services) => paddleServingDocs(services, [0, NO_SERVICE, ...Object.values(ERR_NO)]),
  routes(services) {
    const resolved = resolveServices(services)
    const taskSegments = taskRouteSegments(services)
    const app = new Hono()
    app.post('/:service/prediction', async (c, next) => {
      const name = c.req.param('service')
      const service = resolved.get(name)
      if (service === undefined && taskSegments.has(name)) return next()
      if (service === undefined) {
        labelService(c, 'none') // the label set stays bounded whatever names clients send
        labelOutcome(c, 'not_found')
        const names = [...resolved.keys()].join(', ')
        return c.json(envelope(NO_SERVICE, `Failed to inference: Service name error. No service "${clipText(name)}" (services: ${names}; protocols.paddle_serving.services)`))
      }
      labelService(c, services.config.protocols.paddle_serving.services[name]!)
      if (typeof service === 'string') {
        labelOutcome(c, 'not_found')
        return c.json(envelope(NO_SERVICE, `Failed to inference: ${service}`))
      }
      try {
        return await predict(c, services, service)
      } catch (error) {
        const failure = envelopeError(error, c)
        return c.json(envelope(ERR_NO[failure.code], failure.message))
      }
    })
    return app
  },
}
