/**
 * What a handler tells the request metrics (./http-metrics.ts) about its request, on the hono
 * context: the service it is for, when its route does not say (one route, several tasks), and the
 * typed outcome of a failure, which Paddle's protocols answer with HTTP 200 and a code in the body.
 */
import type { Context } from 'hono'

declare module 'hono' {
  interface ContextVariableMap {
    metricsService: string
    metricsOutcome: string
  }
}

/** The request is for `service` (a task name, or `none` for a service name that does not exist). */
export function labelService(c: Context, service: string): void {
  c.set('metricsService', service)
}

/** The request failed with this typed error code (`invalid_input`, `overloaded`, ...). */
export function labelOutcome(c: Context, code: string): void {
  c.set('metricsOutcome', code)
}
