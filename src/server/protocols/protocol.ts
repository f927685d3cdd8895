/**
 * A protocol adapter (ARCHITECTURE.md "Tasks, protocols, runtimes"): it parses its own envelope
 * into (task, images, options), calls the shared task path (executeTask: same engine, deadlines,
 * limits, accounting), and formats results and typed errors into its own envelope. No adapter
 * re-implements a task. Adapters are listed in ./index.ts; each has a `protocols.<name>` config
 * section (./protocols-config.ts).
 */
import type { Hono } from 'hono'
import type { ApiRoute } from '../../tasks/route-docs.js'
import type { Services } from '../services.js'

export interface ProtocolAdapter {
  /** Key under `protocols:` in serving.yml; the `protocol` label of its requests in the metrics. */
  readonly name: string
  /**
   * The `service` label of its requests in the metrics when every route serves one service; an
   * adapter whose routes serve several says which per request (../request-labels.ts).
   */
  readonly service?: string
  /**
   * The adapter's routes; mounted only when its config section is enabled, before the tasks'
   * routes: a route on a native path must pass requests not in its envelope on with `next()`.
   */
  routes(services: Services): Hono
  /** The same routes for the OpenAPI document (GET /openapi.json), each with its schemas. */
  docs(services: Services): readonly ApiRoute[]
}
