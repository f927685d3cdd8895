/**
 * The common shape of an inference route: read the images and options in any accepted form,
 * take the deadline out of the options, let the service validate the rest, run the work as one
 * engine request (deadline, cancellation on disconnect, accounting), and report its stage times
 * in Server-Timing. Routes only format the result.
 */
import type { Context } from 'hono'
import type { ServingConfig } from '../config/schema.js'
import type { Engine } from '../engine/engine.js'
import type { RequestContext } from '../engine/request-context.js'
import { readImageRequest } from './image-request.js'
import { requestDeadlineMs } from './request-deadline.js'
import { serverTiming } from './server-timing.js'

export interface ServiceRequest<O, R> {
  /** Name under which the tracer counts these requests. */
  readonly service: string
  readonly parseOptions: (raw: Record<string, unknown>) => O
  readonly run: (images: Uint8Array[], options: O, ctx: RequestContext) => Promise<R>
}

export async function runServiceRequest<O, R>(c: Context, engine: Engine, config: Readonly<ServingConfig>, request: ServiceRequest<O, R>): Promise<{ options: O; result: R }> {
  const { images, options } = await readImageRequest(c.req, config.limits.max_images_per_request)
  const { deadline_ms: deadlineOption, ...serviceOptions } = options
  const deadlineMs = requestDeadlineMs(deadlineOption, c.req.header('x-deadline-ms'), config.limits)
  const parsed = request.parseOptions(serviceOptions)
  const ctx = engine.createContext({ deadlineMs, requestId: c.get('requestId'), signal: c.req.raw.signal })
  const result = await engine.serve(request.service, ctx, (ctx) => request.run(images, parsed, ctx))
  c.header('Server-Timing', serverTiming(ctx.timings, performance.now() - ctx.startedAt))
  return { options: parsed, result }
}
