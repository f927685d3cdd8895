/**
 * The scheduling engine: registers ops, each behind its own bounded batch queue, creates request
 * contexts, runs requests of a service with accounting, and shuts everything down in order.
 */
import { performance } from 'node:perf_hooks'
import { BatchQueue } from './batch-queue.js'
import { callAsync } from './call-async.js'
import { Cancelled, ConfigError, Overloaded } from './errors.js'
import { MemoryBudget, type MemoryBudgetOptions } from './memory-budget.js'
import type { ModelLimits, Op, OpHandle, OpSettings, OpStats } from './op.js'
import { capBatchSize, validateOpSettings } from './op-settings.js'
import { OpRunner } from './op-runner.js'
import { RequestContext, type RequestContextOptions } from './request-context.js'
import { Tracer } from './tracer.js'

export interface EngineOptions {
  tracer?: Tracer
  /** Deadline of a context created without one (default 30 000 ms). */
  defaultDeadlineMs?: number
  /**
   * Requests of one service served at once; one more is refused (Overloaded) before any of its
   * work — decoding included — so a burst costs the server almost nothing past this many.
   * Default: no limit (the op queues still bound what waits for a model).
   */
  maxRequestsPerService?: number
  /** Working memory of all requests (./memory-budget.ts). Default: no limit. */
  memoryBudget?: MemoryBudgetOptions
}

interface Queue {
  stop(): Promise<void>
  stats(): OpStats
}

export class Engine {
  readonly tracer: Tracer
  /** Requests reserve their decoded images' and tensors' bytes here before allocating them. */
  readonly memory: MemoryBudget
  readonly #defaultDeadlineMs: number
  readonly #queues = new Map<string, Queue>()
  #stopping: Promise<void> | undefined
  readonly #maxRequestsPerService: number
  readonly #inFlight = new Map<string, number>()

  constructor(options: EngineOptions = {}) {
    this.tracer = options.tracer ?? new Tracer()
    this.#defaultDeadlineMs = options.defaultDeadlineMs ?? 30_000
    this.#maxRequestsPerService = options.maxRequestsPerService ?? Number.POSITIVE_INFINITY
    this.memory = new MemoryBudget(options.memoryBudget ?? { bytes: Number.POSITIVE_INFINITY, waitMs: 0 })
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
    const queue = new BatchQueue<Item, ItemOut>(op.name, valid, (batch, call) => {
      this.tracer.recordBatch(op.name, batch.length)
      return op.process(batch, call)
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

  /**
   * Runs fn as one request of `service`: records count/success/latency, always disposes ctx. The
   * answer comes at the deadline or disconnect, but the memory fn reserved is released only when
   * fn's work has really ended.
   */
  async serve<T>(service: string, ctx: RequestContext, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
    let ok = false
    let admitted = false
    try {
      if (this.#stopping !== undefined) throw new Cancelled('server is shutting down')
      ctx.throwIfAborted()
      this.#admit(service)
      admitted = true
      const work = callAsync(() => fn(ctx))
      const release = () => this.memory.release(ctx)
      work.then(release, release)
      const result = await ctx.guard(work)
      ok = true
      return result
    } finally {
      if (admitted) this.#inFlight.set(service, this.#inFlight.get(service)! - 1)
      this.tracer.recordRequest(service, ok, performance.now() - ctx.startedAt)
      ctx.dispose()
    }
  }

  /** Requests of each service being served now. */
  requestsInFlight(): ReadonlyMap<string, number> {
    return new Map(this.#inFlight)
  }

  /** Requests of all services being served now (asked before every model call: no allocation). */
  totalRequestsInFlight(): number {
    let total = 0
    for (const n of this.#inFlight.values()) total += n
    return total
  }

  /**
   * Throws Overloaded when `service` is at its limit now: lets a route refuse a request before
   * even reading its body. serve() checks again (and counts) when the request starts.
   */
  checkAdmission(service: string): void {
    this.#refuseIfFull(service, this.#inFlight.get(service) ?? 0)
  }

  #admit(service: string): void {
    const running = this.#inFlight.get(service) ?? 0
    this.#refuseIfFull(service, running)
    this.#inFlight.set(service, running + 1)
  }

  #refuseIfFull(service: string, running: number): void {
    if (running >= this.#maxRequestsPerService) {
      throw new Overloaded(
        `service ${service} is overloaded: ${running} requests are being served (limits.max_requests_in_flight ${this.#maxRequestsPerService}); retry in 1 s`,
        1,
      )
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
