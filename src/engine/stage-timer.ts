/**
 * Times work that happens outside an op (image decode, gallery search) into the request's
 * timings, so Server-Timing shows where every millisecond of a request went.
 */
import { performance } from 'node:perf_hooks'
import type { RequestContext } from './request-context.js'
import type { Stage } from './tracer.js'

export async function timeStage<T>(ctx: RequestContext, op: string, stage: Stage, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    ctx.timings.push({ op, stage, ms: performance.now() - started })
  }
}
