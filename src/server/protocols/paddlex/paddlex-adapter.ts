/**
 * The PaddleX serving protocol (what PaddleOCR 3.x and PaddleX 3.x clients speak): JSON in, the
 * PaddleX envelope out (./paddlex-envelope.ts), over the same tasks and request path as the
 * native routes. `POST /ocr` is shared with the native OCR route: a JSON body with a `file` key is
 * PaddleX's, anything else passes on to the native route (hono caches the body, so it reads once).
 */
import { Hono, type Context, type Next } from 'hono'
import type { Services } from '../../services.js'
import { labelService } from '../../request-labels.js'
import type { ProtocolAdapter } from '../protocol.js'
import { checkJsonDepth } from '../../input-limits.js'
import { readJsonBody } from '../envelope-errors.js'
import { paddlexImageClassification } from './classification-operation.js'
import { paddlexOcr } from './ocr-operation.js'
import { paddlexDocs } from './paddlex-docs.js'
import { logIdOf, paddlexOperation } from './paddlex-envelope.js'
import { paddlexSettings } from './paddlex-settings.js'
import { paddlexShituIndexOperations, paddlexShituInfer } from './shitu-operations.js'

const isJson = (c: Context): boolean => /^application\/([\w.+-]*\+)?json\b/i.test(c.req.header('content-type') ?? '')

/** The body when it is PaddleX's OCR request (a JSON object with `file`), else undefined. */
async function paddlexOcrBody(c: Context): Promise<Record<string, unknown> | undefined> {
  if (!isJson(c)) return undefined
  const text = await c.req.text()
  if (!text.includes('"file"')) return undefined // the native JSON form, without parsing it twice
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === 'object' && body !== null && !Array.isArray(body) && 'file' in body ? (body as Record<string, unknown>) : undefined
  } catch {
    return undefined // the native route explains the malformed JSON
  }
}

export const paddlexProtocol: ProtocolAdapter = {
  name: 'paddlex',
  docs: paddlexDocs,
  routes(services: Services): Hono {
    const settings = paddlexSettings(services)
    const app = new Hono()
    /** An operation of `service` (the metrics label) on the JSON body, every failure in the PaddleX envelope. */
    const operation = (service: string, run: (c: Context, body: unknown) => Promise<Response>, example: string) =>
      paddlexOperation(async (c) => {
        labelService(c, service)
        return run(c, await readJsonBody(c, example))
      })

    app.post('/ocr', async (c: Context, next: Next) => {
      const body = await paddlexOcrBody(c)
      if (body === undefined) return next()
      labelService(c, 'ocr')
      return paddlexOperation((c) => {
        checkJsonDepth(body) // in the PaddleX envelope, before the operation walks the body
        return paddlexOcr(c, services, settings, body)
      })(c)
    })
    app.post('/image-classification', operation('classify', (c, body) => paddlexImageClassification(c, services, settings, body), '{"image": "<base64>", "topk": 5}'))
    app.post('/shitu-infer', operation('recognize', (c, body) => paddlexShituInfer(c, services, settings, body), '{"image": "<base64>"}'))
    const index = paddlexShituIndexOperations(services, settings)
    const pairs = '{"imageLabelPairs": [{"image": "<base64>", "label": "..."}]}'
    app.post('/shitu-index-build', operation('recognize', index.build, pairs))
    app.post('/shitu-index-add', operation('recognize', index.add, `${pairs.slice(0, -1)}, "indexKey": "..."}`))
    app.post('/shitu-index-remove', operation('recognize', index.remove, '{"indexKey": "...", "ids": [0]}'))
    // PaddleX's health check (checkHealth).
    app.get('/health', (c) => {
      labelService(c, 'health')
      return c.json({ logId: logIdOf(c), errorCode: 0, errorMsg: 'Healthy' })
    })
    return app
  },
}
