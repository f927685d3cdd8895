/**
 * The one request path every task shares, whatever protocol carried the request: take the
 * deadline out of the options, check the rest against the task's schema and defaults, check the
 * models it needs are ready (before any work), then run one engine request (deadline,
 * cancellation, accounting, refused during shutdown) that reserves the images' working memory
 * from their headers, decodes each image — timed as the `decode` stage — and hands it to the task.
 */
import type { Context } from 'hono'
import type { Engine } from '../engine/engine.js'
import type { RequestContext } from '../engine/request-context.js'
import { timeStage } from '../engine/stage-timer.js'
import { parseOptions } from '../tasks/option-schema.js'
import type { RouteKit } from '../tasks/task.js'
import { decodeImage, type DecodeLimits } from '../vision/decode.js'
import type { DrawnImage } from '../vision/draw-overlay.js'
import type { ChannelOrder, Image } from '../vision/image.js'
import { readImageRequest } from './image-request.js'
import { allSettled, reserveForImages } from './memory-admission.js'
import { requestDeadlineMs } from './request-deadline.js'
import { serverTiming } from './server-timing.js'
import { decodeLimitsOf, type RunningTask, type Services } from './services.js'
import { takeVisualize, type DrawSettings } from './visualize.js'
import { nativeView } from './visualize-answer.js'

export interface TaskRequest {
  readonly images: readonly Uint8Array[]
  /** Options as the protocol carried them (`deadline_ms` included). */
  readonly options: Record<string, unknown>
  readonly deadlineHeader?: string | undefined
  readonly requestId?: string | undefined
  /** Aborts the request when the client goes away. */
  readonly signal?: AbortSignal | undefined
  /** How to draw results when the protocol can return them: option `visualize` then asks for them (src/server/visualize.ts). */
  readonly drawing?: DrawSettings | undefined
}

export interface TaskAnswer {
  readonly options: unknown
  readonly results: unknown[]
  /** One drawn result per image, in order, when the request asked (`visualize`). */
  readonly drawn?: DrawnImage[] | undefined
  readonly ctx: RequestContext
}

export function decodeTimed(bytes: Uint8Array, limits: DecodeLimits, order: ChannelOrder, ctx: RequestContext): Promise<Image> {
  return timeStage(ctx, 'decode', 'prep', () => ctx.guard(decodeImage(bytes, limits, order)))
}

function createContext(engine: Engine, request: Omit<TaskRequest, 'images' | 'options'>, deadlineMs: number): RequestContext {
  return engine.createContext({ deadlineMs, requestId: request.requestId, signal: request.signal })
}

export async function executeTask(services: Services, task: RunningTask, request: TaskRequest): Promise<TaskAnswer> {
  const { definition, service } = task
  const { deadline_ms: deadlineOption, ...given } = request.options
  const { options: raw, drawer } = takeVisualize(definition, given, request.drawing)
  const deadlineMs = requestDeadlineMs(deadlineOption, request.deadlineHeader, services.config.limits)
  const options = service.resolveOptions(parseOptions(definition.optionsSchema, raw))
  services.registry.requireReady(service.modelsFor(options), definition.title)
  const ctx = createContext(services.engine, request, deadlineMs)
  const limits = decodeLimitsOf(services.config)
  const outcomes = await services.engine.serve(definition.name, ctx, async (ctx) => {
    await reserveForImages(services.engine, ctx, request.images, limits, (size) => service.workingBytes?.(size, options) ?? 0)
    return allSettled(
      request.images.map(async (bytes) => {
        const image = await decodeTimed(bytes, limits, service.channelOrder, ctx)
        const result: unknown = await service.run(image, options, ctx)
        // Drawn while the decoded pixels are still at hand (and their memory reserved).
        return { result, drawn: await drawer?.(image, result, options, ctx) }
      }),
    )
  })
  return { options, results: outcomes.map((o) => o.result), drawn: drawer && outcomes.map((o) => o.drawn!), ctx }
}

/** The HTTP side of executeTask for the task's own routes: path parameters are options too; drawn results on request. */
export async function answerTaskRoute(c: Context, services: Services, task: RunningTask): Promise<Response> {
  // Refused before its body is read when the service is full: a burst costs almost nothing.
  services.engine.checkAdmission(task.definition.name)
  const { images, options } = await readImageRequest(c.req, services.config.limits.max_images_per_request)
  const view = nativeView(c, services.config, task.definition, images.length)
  const answer = await executeTask(services, task, {
    images,
    options: view.options({ ...options, ...c.req.param() }),
    drawing: view.drawing,
    deadlineHeader: c.req.header('x-deadline-ms'),
    requestId: c.get('requestId'),
    signal: c.req.raw.signal,
  })
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return view.respond(c, task.definition.format(answer.results, answer.options), answer.drawn)
}

export function routeKit(services: Services): RouteKit {
  const limits = decodeLimitsOf(services.config)
  return {
    engine: services.engine,
    limits,
    readImages: (c, max) => readImageRequest(c.req, max ?? services.config.limits.max_images_per_request),
    serve: (c, name, work) => {
      const deadlineMs = requestDeadlineMs(undefined, c.req.header('x-deadline-ms'), services.config.limits)
      const ctx = createContext(services.engine, { requestId: c.get('requestId'), signal: c.req.raw.signal }, deadlineMs)
      return services.engine.serve(name, ctx, work)
    },
    decode: async (bytes, order, ctx) => {
      await reserveForImages(services.engine, ctx, [bytes], limits)
      return decodeTimed(bytes, limits, order, ctx)
    },
  }
}
