/**
 * How `ppserve client` speaks each protocol: the request for one image of a service, and the
 * lines it prints from the answer. One entry per protocol; the server side of each lives in
 * src/server/protocols/ (the native routes in the task definitions).
 */
import { readPythonLiteral } from '../../util/python-literal.js'

export const SERVICES = ['ocr', 'classify', 'recognize'] as const
export type ClientService = (typeof SERVICES)[number]

export interface WireRequest {
  readonly path: string
  readonly init: RequestInit
}

export interface ClientProtocol {
  readonly services: readonly ClientService[]
  request(service: ClientService, image: Uint8Array, mime: string): WireRequest
  /** What the answer says, one short line per result; throws with the server's message on an error envelope. */
  summarize(service: ClientService, body: unknown): string[]
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const score = (value: unknown) => (typeof value === 'number' ? value.toFixed(4) : String(value))

/** Every string in a parsed value, in order: texts and labels, whatever the nesting. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn)
  return []
}

interface NativeBody {
  results?: unknown[]
  error?: { code: string; message: string }
}

const native: ClientProtocol = {
  services: SERVICES,
  request: (service, image, mime) => ({ path: `/${service}`, init: { method: 'POST', headers: { 'Content-Type': mime }, body: image } }),
  summarize(service, body) {
    const { results, error } = body as NativeBody
    if (error) throw new Error(`${error.code}: ${error.message}`)
    const first = results?.[0]
    if (service === 'ocr') return (first as Array<{ text?: string; confidence?: number }>).map((l) => `${l.text} (${score(l.confidence)})`)
    if (service === 'classify') {
      const c = first as { label: string; prob: number }
      return [`${c.label} (${score(c.prob)})`]
    }
    return (first as Array<{ rec_docs: string; rec_scores: number; bbox: number[] }>).map((o) => `${o.rec_docs} (${score(o.rec_scores)}) at [${o.bbox.join(', ')}]`)
  },
}

/** Paddle Serving pipeline: service names as in PaddleOCR / PaddleClas deployments. */
const PIPELINE_PATHS: Record<ClientService, string> = { ocr: '/ocr/prediction', classify: '/imagenet/prediction', recognize: '/recognition/prediction' }

interface PipelineBody {
  err_no: number
  err_msg: string
  key: string[]
  value: string[]
}

const paddle: ClientProtocol = {
  services: SERVICES,
  // The official clients send json.dumps(data) with no Content-Type.
  request: (service, image) => ({ path: PIPELINE_PATHS[service], init: { method: 'POST', body: JSON.stringify({ key: ['image'], value: [base64(image)] }) } }),
  summarize(_service, body) {
    const answer = body as PipelineBody
    if (answer.err_no !== 0) throw new Error(`err_no ${answer.err_no}: ${answer.err_msg}`)
    // Values are Python str() of lists on Paddle's servers, text both languages read on ours.
    return answer.key.map((key, i) => `${key}: ${stringsIn(readPythonLiteral(answer.value[i] ?? '')).join(' | ')}`)
  },
}

interface HubBody {
  status: string
  msg: string
  results: Array<Array<{ text?: string; confidence?: number }>>
}

const hub: ClientProtocol = {
  services: ['ocr'],
  request: (_service, image) => ({
    path: '/predict/ocr_system',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ images: [base64(image)] }) },
  }),
  summarize(_service, body) {
    const answer = body as HubBody
    if (answer.status !== '000') throw new Error(`status ${answer.status}: ${answer.msg}`)
    return (answer.results[0] ?? []).map((l) => `${l.text} (${score(l.confidence)})`)
  },
}

/** PaddleX serving (PaddleOCR 3.x / PaddleX 3.x): JSON in, {logId, errorCode, errorMsg, result} out. */
const PADDLEX_PATHS: Record<ClientService, { path: string; field: string }> = {
  ocr: { path: '/ocr', field: 'file' },
  classify: { path: '/image-classification', field: 'image' },
  recognize: { path: '/shitu-infer', field: 'image' },
}

interface PaddlexBody {
  errorCode: number
  errorMsg: string
  result?: {
    ocrResults?: Array<{ prunedResult: { rec_texts: string[]; rec_scores: number[] } }>
    categories?: Array<{ name: string; score: number }>
    detectedObjects?: Array<{ bbox: number[]; recResults: Array<{ label: string; score: number }> }>
  }
}

const paddlex: ClientProtocol = {
  services: SERVICES,
  request(service, image) {
    const { path, field } = PADDLEX_PATHS[service]
    // No drawn image back: the client prints text, and drawing costs the server time.
    const body = { [field]: base64(image), ...(service === 'ocr' ? { fileType: 1 } : {}), visualize: false }
    return { path, init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } }
  },
  summarize(service, body) {
    const { errorCode, errorMsg, result } = body as PaddlexBody
    if (errorCode !== 0) throw new Error(`errorCode ${errorCode}: ${errorMsg}`)
    if (service === 'ocr') {
      const page = result?.ocrResults?.[0]?.prunedResult
      return (page?.rec_texts ?? []).map((text, i) => `${text} (${score(page?.rec_scores[i])})`)
    }
    if (service === 'classify') return (result?.categories ?? []).slice(0, 1).map((c) => `${c.name} (${score(c.score)})`)
    return (result?.detectedObjects ?? []).map((o) => `${o.recResults[0]?.label ?? '?'} (${score(o.recResults[0]?.score)}) at [${o.bbox.join(', ')}]`)
  },
}

export const PROTOCOLS = { native, paddle, hub, paddlex } as const satisfies Record<string, ClientProtocol>
export type ProtocolName = keyof typeof PROTOCOLS
