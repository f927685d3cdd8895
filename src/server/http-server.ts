/**
 * Binds the app to a port and shuts down gracefully: stop accepting, let in-flight requests finish
 * within the grace period (answering with `Connection: close`), then drop remaining connections,
 * stop the engine, release the models and the port.
 */
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { serve } from '@hono/node-server'
import { log } from '../util/log.js'
import { createApp, type AppState } from './app.js'
import type { Services } from './services.js'

export interface RunningServer {
  readonly port: number
  readonly url: string
  /** Idempotent graceful stop; resolves when the port is released and the models are closed. */
  close(): Promise<void>
}

export async function startHttpServer(services: Services): Promise<RunningServer> {
  const { host, port, shutdown_grace_ms: graceMs } = services.config.server
  const state: AppState = { shuttingDown: false }
  const app = createApp(services, state)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as Server)) as Server
    s.once('error', reject)
  })
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
