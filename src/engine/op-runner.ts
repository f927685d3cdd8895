/**
 * Runs one request through one op: preprocess, the op's batch queue, postprocess. Records each
 * stage's time in the request context (for Server-Timing) and in the tracer.
 */
import { performance } from 'node:perf_hooks'
import type { BatchQueue } from './batch-queue.js'
import { callAsync } from './call-async.js'
import { Cancelled } from './errors.js'
import type { Op, OpHandle, OpStats } from './op.js'
import type { RequestContext } from './request-context.js'
import type { Stage, Tracer } from './tracer.js'

export class OpRunner<In, Item, ItemOut, Out> implements OpHandle<In, Out> {
  readonly name: string

  constructor(
    private readonly op: Op<In, Item, ItemOut, Out>,
    private readonly queue: BatchQueue<Item, ItemOut>,
    private readonly tracer: Tracer,
  ) {
    this.name = op.name
  }

  stats(): OpStats {
    return this.queue.stats()
  }

  async run(input: In, ctx: RequestContext): Promise<Out> {
    if (this.queue.stopped) throw new Cancelled('server is shutting down')
    ctx.throwIfAborted()
    const prepStart = performance.now()
    const items = await ctx.guard(callAsync(() => this.op.preprocess(input, ctx)))
    this.#record(ctx, 'prep', performance.now() - prepStart)

    let outputs: ItemOut[] = []
    if (items.length > 0) {
      // The queue itself rejects on abort; guard keeps that promise independent of its internals.
      const result = await ctx.guard(this.queue.submit(items, ctx.signal, ctx.deadlineAt))
      this.#record(ctx, 'in', result.queuedMs)
      this.#record(ctx, 'midp', result.processMs)
      this.#record(ctx, 'out', performance.now() - result.doneAt)
      outputs = result.outputs
    }

    const postStart = performance.now()
    const out = await ctx.guard(callAsync(() => this.op.postprocess(input, outputs, items, ctx)))
    this.#record(ctx, 'postp', performance.now() - postStart)
    return out
  }

  #record(ctx: RequestContext, stage: Stage, ms: number): void {
    ctx.timings.push({ op: this.name, stage, ms })
    this.tracer.recordOp(this.name, stage, ms)
  }
}
