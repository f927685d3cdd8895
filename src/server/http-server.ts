/**
 * Binds the app to a port and shuts down gracefully: stop accepting, let in-flight requests finish
 * within the grace period (answering with `Connection: close`), then drop remaining connections,
 * stop the engine, release the models and the port.
 */
import type { AddressInfo } from 'node:net'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { getRequestListener, RequestError } from '@hono/node-server'
import { log } from '../util/log.js'
import { createApp, type AppState } from './app.js'
import type { Services } from './services.js'

export interface RunningServer {
  readonly port: number
  readonly url: string
  /** Idempotent graceful stop; resolves when the port is released and the models are closed. */
  close(): Promise<void>
}

/**
 * Requests Node's HTTP parser refuses before hono sees them (request line and headers over Node's
 * 16 KB --max-http-header-size, a malformed request line or header) are answered in the native
 * JSON envelope rather than Node's empty body, then the connection is closed, as Node does.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // As Node's own handler: answer only when no response of this connection has begun.
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || (pending && pending.headersSent)) {
    socket.destroy()
    return
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'the request line and headers are larger than the HTTP server accepts (16 KB): send options in the body, not the URL']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'the request was not received in time']
        : [400, 'Bad Request', `malformed HTTP request (${error.code ?? 'parse error'})`]
  const body = JSON.stringify({ error: { code: 'invalid_input', message } })
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

/**
 * Requests @hono/node-server refuses before the app sees them (a backslash in the path, a bad
 * Host header) answered in the native envelope instead of an empty 400; anything else that
 * escapes the app as the app answers an unknown error.
 */
function answerAdapterError(error: unknown): Response {
  if (error instanceof RequestError) {
    return Response.json({ error: { code: 'invalid_input', message: `malformed request target or Host header: ${error.message}` } }, { status: 400 })
  }
  log.error('unhandled error outside the app', { stack: (error as Error)?.stack ?? String(error) })
  return Response.json({ error: { code: 'internal', message: 'internal server error' } }, { status: 500 })
}

export async function startHttpServer(services: Services): Promise<RunningServer> {
  const { host, port, shutdown_grace_ms: graceMs } = services.config.server
  const state: AppState = { shuttingDown: false }
  const app = createApp(services, state)
  // What @hono/node-server's serve() does, with an errorHandler (serve() takes none).
  const server: Server = createServer(getRequestListener(app.fetch, { hostname: host, errorHandler: answerAdapterError }))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  server.on('clientError', answerClientError)
  // Counted at the socket level: a response is done when its last byte is written, which is
  // later than when the app hands the Response over.
  let inFlight = 0
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight++
    response.once('close', () => {
      inFlight--
      // Once shutting down, a connection whose response just ended may be closed right away.
      if (state.shuttingDown) setImmediate(() => server.closeIdleConnections())
    })
  })
  const address = server.address() as AddressInfo
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      state.shuttingDown = true
      const released = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      if (inFlight > 0) log.info(`waiting up to ${graceMs} ms for ${inFlight} in-flight request(s)`)
      const force = setTimeout(() => {
        if (inFlight > 0) log.warn(`grace period over: dropping ${inFlight} unfinished request(s)`)
        server.closeAllConnections()
      }, graceMs)
      await released
      clearTimeout(force)
      await services.stop()
    })())
  return { port: address.port, url, close }
}
