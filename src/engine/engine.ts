/**
 * The scheduling engine: registers ops, each behind its own bounded batch queue, creates request
 * contexts, runs requests of a service with accounting, and shuts everything down in order.
 */
import { performance } from 'node:perf_hooks'
import { BatchQueue } from './batch-queue.js'
import { callAsync } from './call-async.js'
import { Cancelled, ConfigError } from './errors.js'
import type { ModelLimits, Op, OpHandle, OpSettings, OpStats } from './op.js'
import { capBatchSize, validateOpSettings } from './op-settings.js'
import { OpRunner } from './op-runner.js'
import { RequestContext, type RequestContextOptions } from './request-context.js'
import { Tracer } from './tracer.js'

export interface EngineOptions {
  tracer?: Tracer
  /** Deadline of a context created without one (default 30 000 ms). */
  defaultDeadlineMs?: number
}

interface Queue {
  stop(): Promise<void>
  stats(): OpStats
}

export class Engine {
  readonly tracer: Tracer
  readonly #defaultDeadlineMs: number
  readonly #queues = new Map<string, Queue>()
  #stopping: Promise<void> | undefined

  constructor(options: EngineOptions = {}) {
    this.tracer = options.tracer ?? new Tracer()
    this.#defaultDeadlineMs = options.defaultDeadlineMs ?? 30_000
  }

  /**
   * Puts `op` behind its own batch queue. `model` tells what the op's model accepts: a batch size
   * above its `maxBatch` is capped (and logged). Each process() call's batch size is recorded in
   * the tracer (`tracer.batchSizes(op.name)`).
   */
  register<In, Item, ItemOut, Out>(op: Op<In, Item, ItemOut, Out>, settings: OpSettings, model: ModelLimits = {}): OpHandle<In, Out> {
    if (this.#stopping !== undefined) throw new Cancelled(`cannot register op "${op.name}": server is shutting down`)
    if (this.#queues.has(op.name)) throw new ConfigError(`op "${op.name}" is registered twice`)
    const valid = capBatchSize(op.name, validateOpSettings(op.name, settings), model)
    const queue = new BatchQueue<Item, ItemOut>(op.name, valid, (batch) => {
      this.tracer.recordBatch(op.name, batch.length)
      return op.process(batch)
    })
    this.#queues.set(op.name, queue)
    return new OpRunner(op, queue, this.tracer)
  }

  /** Every registered op's queue now: items waiting and process() calls running, by op name. */
  opStats(): Map<string, OpStats> {
    return new Map([...this.#queues].map(([name, queue]) => [name, queue.stats()]))
  }

  createContext(options: Partial<RequestContextOptions> = {}): RequestContext {
    return new RequestContext({ ...options, deadlineMs: options.deadlineMs ?? this.#defaultDeadlineMs })
  }

  /** Runs fn as one request of `service`: records count/success/latency, always disposes ctx. */
  async serve<T>(service: string, ctx: RequestContext, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
    let ok = false
    try {
      if (this.#stopping !== undefined) throw new Cancelled('server is shutting down')
      ctx.throwIfAborted()
      const result = await ctx.guard(callAsync(() => fn(ctx)))
      ok = true
      return result
    } finally {
      this.tracer.recordRequest(service, ok, performance.now() - ctx.startedAt)
      ctx.dispose()
    }
  }

  /** Stops accepting work; rejects queued items with Cancelled; resolves when in-flight batches finish. */
  stop(): Promise<void> {
    this.#stopping ??= Promise.all([...this.#queues.values()].map((queue) => queue.stop())).then(() => {
      this.tracer.stop()
    })
    return this.#stopping
  }
}
