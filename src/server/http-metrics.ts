/**
 * The labels of every HTTP request and the middleware that counts it (./metrics.ts):
 * - route: the pattern of the route that answered (`/classify/:model`, `/:service/prediction`),
 *   `unmatched` when none did (404s for unknown paths cannot grow the label set);
 * - protocol: what mounted that route (native, paddle_serving, paddlehub, paddlex, kserve, health);
 * - service: what the handler said (./request-labels.ts), else its mount's service, else `none`;
 * - status, and outcome: `ok`, or the typed error code the handler answered with (set by
 *   error-response.ts and envelope-errors.ts), so a Paddle envelope error under HTTP 200 counts
 *   as the error it is; `error` for an error status with no typed error (readiness probes).
 * Routes are labelled by the route objects hono stores (app.routes), recorded as each group is
 * mounted; the route that answered is the last handler hono dispatched (c.req.routeIndex).
 */
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { ServerMetrics } from './metrics.js'

export interface MountLabels {
  readonly protocol: string
  /** The service of every route in the group, unless a handler says otherwise. */
  readonly service?: string | undefined
}

/** Requests to routes of this protocol (the scrape itself) are not counted. */
export const METRICS_PROTOCOL = 'metrics'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])

type RouterRoute = Hono['routes'][number]

export class RouteLabels {
  readonly #routes = new Map<RouterRoute, MountLabels>()

  /** Runs `add`, which registers routes on `app`; each route it added is labelled `labels`. */
  mount(app: Hono, labels: MountLabels, add: () => void): void {
    const before = app.routes.length
    add()
    for (const route of app.routes.slice(before)) this.#routes.set(route, labels)
  }

  /**
   * The route that answered and its mount: the handler hono dispatched last, or, for a request
   * refused by middleware before any handler ran (413), the first matching route whose mount
   * names a service (a native route rather than an adapter's on the same path), else the first.
   */
  answered(c: Context): { route: RouterRoute; labels: MountLabels } | undefined {
    const routes = matchedRoutes(c)
    const last = routes[c.req.routeIndex]
    const mounted = routes.filter((r) => this.#routes.has(r))
    const route = last && this.#routes.has(last) ? last : (mounted.find((r) => this.#routes.get(r)!.service !== undefined) ?? mounted[0])
    return route && { route, labels: this.#routes.get(route)! }
  }

  /** Whether the request is for a route of `protocol` (known before any handler runs). */
  matches(c: Context, protocol: string): boolean {
    return matchedRoutes(c).some((route) => this.#routes.get(route)?.protocol === protocol)
  }
}

/** Counts and times every request but scrapes of /metrics. Mount it first, so it times everything. */
export function httpMetrics(metrics: ServerMetrics, routes: RouteLabels): MiddlewareHandler {
  return async (c, next) => {
    if (routes.matches(c, METRICS_PROTOCOL)) return next()
    const started = performance.now()
    const done = metrics.trackInFlight()
    try {
      await next()
    } finally {
      done()
      const answered = routes.answered(c)
      // A response not set yet here means hono's own error handling answers: 500.
      const status = c.finalized ? c.res.status : 500
      metrics.observeHttp(
        {
          service: c.get('metricsService') ?? answered?.labels.service ?? 'none',
          route: answered?.route.path ?? 'unmatched',
          method: METHODS.has(c.req.method) ? c.req.method : 'other',
          protocol: answered?.labels.protocol ?? 'none',
          status,
          outcome: c.get('metricsOutcome') ?? (status < 400 ? 'ok' : 'error'),
        },
        (performance.now() - started) / 1000,
      )
    }
  }
}
