/**
 * The fuzz suite's HTTP client: node:http, so a path goes out exactly as generated (fetch would
 * resolve `..` and `%2e%2e` before sending) and any header or body can be sent. A request that
 * gets no complete answer within its time budget is reported as a hang; a failed connection
 * (reset, refused, socket closed before the answer) as what it is.
 */
import http from 'node:http'

export interface FuzzRequest {
  /** What generated it, for the reproducer (e.g. "native raw image", "paddlex json"). */
  readonly kind: string
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Sent as is: may hold dot segments, percent escapes, a query string. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

export type FuzzAnswer =
  | { readonly outcome: 'answered'; readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly text: string; readonly ms: number }
  | { readonly outcome: 'hang' | 'failed'; readonly error: string; readonly ms: number }

/** Sends one request on `agent` and waits at most `budgetMs` for the whole answer. */
export function send(baseUrl: string, request: FuzzRequest, budgetMs: number, agent: http.Agent): Promise<FuzzAnswer> {
  const { hostname, port } = new URL(baseUrl)
  const started = performance.now()
  const elapsed = () => performance.now() - started
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: FuzzAnswer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const req = http.request({
      host: hostname,
      port: Number(port),
      method: request.method,
      path: request.path,
      headers: { ...request.headers, 'content-length': String(request.body.length) },
      agent,
    })
    const timer = setTimeout(() => {
      finish({ outcome: 'hang', error: `no complete answer within ${budgetMs} ms`, ms: elapsed() })
      req.destroy()
    }, budgetMs)
    req.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: 'failed', error: `${error.code ?? ''} ${error.message}`.trim(), ms: elapsed() }))
    req.on('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: 'failed', error: `${error.code ?? ''} ${error.message}`.trim(), ms: elapsed() }))
      response.on('end', () =>
        finish({ outcome: 'answered', status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8'), ms: elapsed() }),
      )
    })
    req.end(request.body)
  })
}

/** A short, copyable description of a request: method, path, headers, the body's first bytes. */
export function describeRequest(request: FuzzRequest): string {
  const path = request.path.length > 300 ? `${request.path.slice(0, 300)}… (${request.path.length} chars)` : request.path
  const body = Buffer.from(request.body)
  const text = body.subarray(0, 160).toString('latin1').replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return `[${request.kind}] ${request.method} ${path}\n  headers: ${JSON.stringify(request.headers)}\n  body (${body.length} bytes): ${text}${body.length > 160 ? '…' : ''}`
}
