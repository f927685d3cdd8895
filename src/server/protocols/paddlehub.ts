/**
 * PaddleHub serving of PaddleOCR's three hub modules (deploy/hubserving/ocr_system|ocr_det|ocr_rec,
 * served by paddlehub/serving/app_compat.py), over the ocr task: `POST /predict/{module}` with
 * `{"images": ["<base64>", ...]}` → HTTP 200 `{"msg", "results", "status"}` (Flask's sorted keys).
 * Status "000" success, "101" the prediction failed (msg says why), "111" module not available
 * (unknown, or its models are not loaded), "112" a body that is not JSON sent without an
 * application/json Content-Type (PaddleHub's "outdated usage"); `results` is "" on failure.
 */
import { Hono, type Context } from 'hono'
import { InvalidInput, InvalidOption } from '../../engine/errors.js'
import type { OcrLine } from '../../tasks/ocr/ocr-service.js'
import { clipText } from '../../util/quote.js'
import { decodeBase64 } from '../base64.js'
import { labelOutcome } from '../request-labels.js'
import { serverTiming } from '../server-timing.js'
import type { Services } from '../services.js'
import { executeTask } from '../task-request.js'
import { envelopeError, readJsonBody } from './envelope-errors.js'
import { paddleHubDocs } from './paddlehub-docs.js'
import type { ProtocolAdapter } from './protocol.js'

const EXAMPLE = '{"images": ["<base64 of the image file>"]}'

interface HubModule {
  /** The OCR options the module stands for. */
  readonly options: Readonly<Record<string, boolean>>
  /** `results` from one OcrLine list per image. */
  results(perImage: OcrLine[][]): unknown
}

const MODULES: Readonly<Record<string, HubModule>> = {
  // One list per image of {text, confidence, text_region} (ocr_system/module.py).
  ocr_system: { options: {}, results: (perImage) => perImage },
  // One list per image of {text_region} (ocr_det/module.py).
  ocr_det: { options: { rec: false }, results: (perImage) => perImage },
  // Each image is one text line; ocr_rec/module.py answers ONE list with a {text, confidence} per image.
  ocr_rec: { options: { det: false }, results: (perImage) => [perImage.map((lines) => lines[0])] },
}

type HubStatus = '000' | '101' | '111' | '112'

function hubJson(c: Context, status: HubStatus, msg: string, results: unknown = '') {
  return c.json({ msg, results, status })
}

function isJsonContentType(c: Context): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(c.req.header('content-type') ?? '')
}

function parseBody(body: unknown, module: string, maxImages: number): { images: Uint8Array[]; options: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput(`body must be a JSON object like ${EXAMPLE}`)
  const { images, ...options } = body as Record<string, unknown>
  if (!Array.isArray(images) || images.length === 0) throw new InvalidInput(`"images" must be a non-empty list of base64 strings, like ${EXAMPLE}`)
  if (images.length > maxImages) throw new InvalidInput(`request has ${images.length} images; at most ${maxImages} are accepted per request`)
  const clash = ['det', 'rec'].find((key) => key in options)
  if (clash) throw new InvalidOption(`"${clash}" is chosen by the module (${module}): post to /predict/ocr_system, /predict/ocr_det or /predict/ocr_rec`)
  const bytes = images.map((item, i) => {
    if (typeof item !== 'string') throw new InvalidInput(`"images[${i}]" must be a base64 string`)
    return decodeBase64(item, `"images[${i}]"`)
  })
  return { images: bytes, options }
}

async function predict(c: Context, services: Services, moduleName: string): Promise<Response> {
  const module = MODULES[moduleName]!
  const task = services.task('ocr')
  if (!task) {
    labelOutcome(c, 'not_found')
    return hubJson(c, '111', `Module ${moduleName} is not available: the ocr task is disabled (services.ocr.enabled)`)
  }
  let body: unknown
  try {
    body = await readJsonBody(c, EXAMPLE)
  } catch (error) {
    if (isJsonContentType(c)) throw error
    labelOutcome(c, 'unsupported_media_type')
    return hubJson(c, '112', `This usage is out of date, please use 'application/json' as content-type to post to /predict/${moduleName}, with ${EXAMPLE}.`)
  }
  const { images, options } = parseBody(body, moduleName, services.config.limits.max_images_per_request)
  const answer = await executeTask(services, task, {
    images,
    options: { ...options, ...module.options },
    deadlineHeader: c.req.header('x-deadline-ms'),
    requestId: c.get('requestId'),
    signal: c.req.raw.signal,
  })
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return hubJson(c, '000', '', module.results(answer.results as OcrLine[][]))
}

export const paddleHubProtocol: ProtocolAdapter = {
  name: 'paddlehub',
  service: 'ocr',
  docs: (services) => paddleHubDocs(services, Object.keys(MODULES)),
  routes(services) {
    const app = new Hono()
    app.post('/predict/:module', async (c) => {
      const name = c.req.param('module')
      if (!Object.hasOwn(MODULES, name)) {
        labelOutcome(c, 'not_found')
        return hubJson(c, '111', `Module ${clipText(name)} is not available. Modules: ${Object.keys(MODULES).join(', ')}`)
      }
      try {
        return await predict(c, services, name)
      } catch (error) {
        const failure = envelopeError(error, c)
        // PaddleHub's "module not available" fits a service whose models are not loaded.
        if (failure.code === 'model_not_ready') return hubJson(c, '111', `Module ${name} is not available: ${failure.message}`)
        return hubJson(c, '101', failure.message)
      }
    })
    return app
  },
}
