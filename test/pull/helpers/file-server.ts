/**
 * A real HTTP server on 127.0.0.1 (a free port) serving in-memory files, with the failure modes
 * a download must survive: a body cut short (half sent, then the socket destroyed), a slow body,
 * an HTTP error status, and a server that accepts the connection but never answers.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type Route =
  | { readonly kind: 'file'; readonly body: Uint8Array }
  /** Announces the full Content-Length, sends half, then destroys the socket. */
  | { readonly kind: 'half'; readonly body: Uint8Array }
  /** Sends `chunk` bytes every `intervalMs`. */
  | { readonly kind: 'slow'; readonly body: Uint8Array; readonly chunk: number; readonly intervalMs: number }
  | { readonly kind: 'status'; readonly status: number }
  /** Never answers. */
  | { readonly kind: 'silent' }

export interface FileServer {
  readonly routes: Map<string, Route>
  url(path: string): string
  /** Bytes of `path`'s body sent so far by its latest request (slow route), 0 before one. */
  sent(path: string): number
  /** Forgets `path`'s count, so the next wait is for a new request. */
  forget(path: string): void
  close(): Promise<void>
}

export async function startFileServer(): Promise<FileServer> {
  const routes = new Map<string, Route>()
  const sent = new Map<string, number>()
  const timers = new Set<NodeJS.Timeout>()
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const route = routes.get(path)
    if (!route) {
      response.writeHead(404).end('not found')
      return
    }
    switch (route.kind) {
      case 'file':
        response.writeHead(200, { 'content-length': route.body.byteLength }).end(route.body)
        return
      case 'half':
        response.writeHead(200, { 'content-length': route.body.byteLength })
        response.write(route.body.subarray(0, route.body.byteLength >> 1), () => setTimeout(() => response.socket?.destroy(), 20))
        return
      case 'slow': {
        response.writeHead(200, { 'content-length': route.body.byteLength })
        let offset = 0
        sent.set(path, 0)
        const timer = setInterval(() => {
          const next = Math.min(offset + route.chunk, route.body.byteLength)
          response.write(route.body.subarray(offset, next))
          offset = next
          sent.set(path, offset)
          if (offset >= route.body.byteLength) {
            clearInterval(timer)
            response.end()
          }
        }, route.intervalMs)
        timers.add(timer)
        response.on('close', () => clearInterval(timer))
        return
      }
      case 'status':
        response.writeHead(route.status).end()
        return
      case 'silent':
        return
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    routes,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    sent: (path) => sent.get(path) ?? 0,
    forget: (path) => void sent.delete(path),
    async close() {
      for (const timer of timers) clearInterval(timer)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
