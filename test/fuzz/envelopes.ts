/**
 * Which error envelope a route answers in (README: Errors, and each protocol's section), and the
 * check of one answer against it. The route is the path as the server resolves it (WHATWG URL
 * rules: `..`, `%2e%2e` and `.` segments removed, as @hono/node-server resolves them), without the
 * query string.
 */
import type { FuzzAnswer, FuzzRequest } from './client.js'

export type Envelope = 'native' | 'paddle_serving' | 'paddlehub' | 'paddlex' | 'kserve' | 'kserve_empty'

/** Path segments `/{x}/prediction` leaves to task routes (`/classify/:model`). */
const TASK_SEGMENTS = new Set(['classify'])
const PADDLEX_OPERATIONS = new Set(['/image-classification', '/shitu-infer', '/shitu-index-build', '/shitu-index-add', '/shitu-index-remove'])

export function resolvedPath(rawPath: string): string {
  return new URL(`http://fuzz.invalid${rawPath}`).pathname // as @hono/node-server builds the request URL
}

/** A body that the PaddleX adapter takes for its /ocr (a JSON object with `file`). */
function isPaddlexOcr(request: FuzzRequest): boolean {
  const type = request.headers['content-type'] ?? ''
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) return false
  const text = new TextDecoder().decode(request.body) // as the server's c.req.text(): a leading BOM dropped
  if (!text.includes('"file"')) return false
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === 'object' && body !== null && !Array.isArray(body) && 'file' in body
  } catch {
    return false
  }
}

export function envelopeOf(request: FuzzRequest): Envelope {
  const path = resolvedPath(request.path)
  const post = request.method === 'POST'
  if (path === '/v2' || path.startsWith('/v2/')) {
    // KServe's readiness routes answer 400 without a body when not ready (required_api.md).
    const ready = request.method === 'GET' && (path === '/v2/health/ready' || /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/ready$/.test(path))
    return ready ? 'kserve_empty' : 'kserve'
  }
  // Adapters are mounted in src/server/protocols/index.ts's order: /predict/prediction is Paddle Serving's.
  const pipeline = /^\/([^/]+)\/prediction$/.exec(path)
  if (post && pipeline && !TASK_SEGMENTS.has(pipeline[1]!)) return 'paddle_serving'
  if (post && /^\/predict\/[^/]+$/.test(path)) return 'paddlehub'
  if (post && PADDLEX_OPERATIONS.has(path)) return 'paddlex'
  if (post && path === '/ocr' && isPaddlexOcr(request)) return 'paddlex'
  return 'native'
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Problems with the answer (empty when it is fine): status class, envelope, JSON. */
export function checkAnswer(request: FuzzRequest, answer: FuzzAnswer & { outcome: 'answered' }): string[] {
  const problems: string[] = []
  const { status } = answer
  if (status >= 500 && status !== 503 && status !== 504) problems.push(`status ${status}`)
  const envelope = envelopeOf(request)
  const ok = status >= 200 && status < 300
  // Requests the server refuses before any route sees them come in the native envelope (README:
  // 413 body too large, but KServe's own reading; 431 headers too large, below every route).
  const expected: Envelope = (status === 413 && envelope !== 'kserve') || status === 431 ? 'native' : envelope
  if (expected === 'kserve_empty') {
    if (status !== 200 && status !== 400) problems.push(`readiness route answered ${status}`)
    return problems
  }
  const alwaysEnveloped = expected === 'paddle_serving' || expected === 'paddlehub'
  if (ok && !alwaysEnveloped) return problems
  let body: unknown
  try {
    body = JSON.parse(answer.text)
  } catch {
    problems.push(`${expected} answer ${status} is not JSON: ${answer.text.slice(0, 200)}`)
    return problems
  }
  if (!isObject(body)) {
    problems.push(`${expected} answer ${status} is not a JSON object`)
    return problems
  }
  // Protocols that answer errors with HTTP 200 must not hide a server fault there either.
  if (/internal server error/.test(JSON.stringify(body))) problems.push('an internal error inside the envelope')
  switch (expected) {
    case 'native': {
      const error = body.error
      if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') problems.push('not {"error": {"code", "message"}}')
      break
    }
    case 'paddle_serving':
      if (status !== 200) problems.push(`Paddle Serving answered HTTP ${status}, not 200`)
      if (typeof body.err_no !== 'number' || typeof body.err_msg !== 'string' || !Array.isArray(body.key) || !Array.isArray(body.value) || !Array.isArray(body.tensors)) {
        problems.push('not {"err_no", "err_msg", "key", "value", "tensors"}')
      } else if (body.err_no !== 0 && (body.err_msg === '' || body.key.length > 0 || body.value.length > 0)) {
        problems.push('an error without err_msg, or with key/value')
      }
      break
    case 'paddlehub':
      if (status !== 200) problems.push(`PaddleHub answered HTTP ${status}, not 200`)
      if (typeof body.msg !== 'string' || !['000', '101', '111', '112'].includes(String(body.status)) || !('results' in body)) {
        problems.push('not {"msg", "results", "status"}')
      } else if (body.status !== '000' && (body.results !== '' || body.msg === '')) {
        problems.push('a failure whose results is not "" or without msg')
      }
      break
    case 'paddlex':
      if (typeof body.logId !== 'string' || body.errorCode !== status || typeof body.errorMsg !== 'string') problems.push('not {"logId", "errorCode" = HTTP status, "errorMsg"}')
      break
    case 'kserve':
      if (typeof body.error !== 'string') problems.push('not {"error": "<message>"}')
      break
  }
  return problems
}
