/**
 * One op's bounded queue and dynamic batcher. It admits a request's items all-or-nothing, sends a
 * batch when it is full or its oldest item has waited long enough, keeps at most `concurrency`
 * process() calls in flight, and routes every result back to the request it came from.
 */
import { performance } from 'node:perf_hooks'
import type { BatchCall } from './batch-call.js'
import { coveredTime, type Interval } from './busy-time.js'
import { Cancelled, InferenceError, Overloaded, isServingError, type ServingError } from './errors.js'
import type { OpSettings, OpStats } from './op.js'

export type ProcessFn<Item, ItemOut> = (batch: readonly Item[], call: BatchCall) => Promise<Array<ItemOut | Error>>

/** What a request gets back once every one of its items has been processed. */
export interface BatchResult<ItemOut> {
  /** One output per submitted item, in submission order. */
  outputs: ItemOut[]
  /** Time the request's items waited: in the queue, and inside a process() call for cores or an instance (ms). */
  queuedMs: number
  /** Time covered by the model work of the process() calls that carried the request's items (ms). */
  processMs: number
  /** performance.now() when the request's last batch ended. */
  doneAt: number
}

interface Pending<Item, ItemOut> {
  readonly outputs: ItemOut[]
  readonly submittedAt: number
  readonly signal: AbortSignal
  /** performance.now() time of the request's deadline, when known. */
  readonly deadlineAt: number | undefined
  /** The process() calls that carried this request's items. */
  readonly batches: Interval[]
  remaining: number
  queued: number
  settled: boolean
  resolve(result: BatchResult<ItemOut>): void
  reject(error: unknown): void
  onAbort(): void
}

interface Entry<Item, ItemOut> {
  readonly request: Pending<Item, ItemOut>
  readonly index: number
  readonly item: Item
}

const MAX_RETRY_AFTER_S = 60

export class BatchQueue<Item, ItemOut> {
  #queue: Array<Entry<Item, ItemOut>> = []
  readonly #running = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #timerDueAt = 0
  #stopped = false
  /** Moving average of process() durations, for the retry-after hint. */
  #batchMs = 0

  constructor(
    readonly name: string,
    private readonly settings: Readonly<OpSettings>,
    private readonly process: ProcessFn<Item, ItemOut>,
  ) {}

  get stopped(): boolean {
    return this.#stopped
  }

  stats(): OpStats {
    return { queued: this.#queue.length, inflight: this.#running.size }
  }

  /**
   * Queues a request's items; settles once all are processed, one fails, or `signal` aborts.
   * `deadlineAt` (performance.now() time) is handed to the model runtime (./batch-call.ts).
   */
  submit(items: readonly Item[], signal: AbortSignal, deadlineAt?: number): Promise<BatchResult<ItemOut>> {
    if (this.#stopped) return Promise.reject(new Cancelled('server is shutting down'))
    if (signal.aborted) return Promise.reject(signal.reason)
    if (items.length === 0) {
      return Promise.resolve({ outputs: [], queuedMs: 0, processMs: 0, doneAt: performance.now() })
    }
    const queued = this.#queue.length
    // An empty queue admits any request, or one larger than queueSize could never run.
    if (queued > 0 && queued + items.length > this.settings.queueSize) {
      return Promise.reject(this.#overloaded(items.length))
    }
    return new Promise<BatchResult<ItemOut>>((resolve, reject) => {
      const request: Pending<Item, ItemOut> = {
        outputs: new Array<ItemOut>(items.length),
        submittedAt: performance.now(),
        signal,
        deadlineAt,
        batches: [],
        remaining: items.length,
        queued: items.length,
        settled: false,
        resolve,
        reject,
        onAbort: () => this.#fail(request, signal.reason),
      }
      signal.addEventListener('abort', request.onAbort, { once: true })
      items.forEach((item, index) => this.#queue.push({ request, index, item }))
      this.#pump()
    })
  }

  /** Rejects queued work with Cancelled and resolves when the process() calls in flight end. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#clearTimer()
    const requests = new Set(this.#queue.map((entry) => entry.request))
    this.#queue = []
    for (const request of requests) {
      request.queued = 0
      this.#fail(request, new Cancelled('server is shutting down'))
    }
    await Promise.allSettled(this.#running)
  }

  /** Starts every batch that may leave now, then waits for the oldest item's timeout if needed. */
  #pump(): void {
    const { batchSize, batchTimeoutMs, concurrency } = this.settings
    while (!this.#stopped && this.#running.size < concurrency && this.#queue.length > 0) {
      const waited = performance.now() - this.#queue[0]!.request.submittedAt
      if (this.#queue.length < batchSize && waited < batchTimeoutMs) break
      const batch = this.#take(batchSize)
      if (batch.length > 0) this.#launch(batch)
    }
    this.#armTimer()
  }

  /** Takes up to `size` items in FIFO order, dropping those whose request has aborted. */
  #take(size: number): Array<Entry<Item, ItemOut>> {
    const batch: Array<Entry<Item, ItemOut>> = []
    while (batch.length < size) {
      const entry = this.#queue.shift()
      if (entry === undefined) break
      entry.request.queued--
      if (entry.request.signal.aborted) {
        // Normally already removed by its abort listener; this keeps the rule independent of that.
        this.#fail(entry.request, entry.request.signal.reason)
        continue
      }
      batch.push(entry)
    }
    return batch
  }

  #launch(batch: Array<Entry<Item, ItemOut>>): void {
    const run: Promise<void> = this.#runBatch(batch).finally(() => {
      this.#running.delete(run)
      this.#pump()
    })
    this.#running.add(run)
  }

  /** Never rejects: every failure is routed to the requests of the batch. */
  async #runBatch(batch: Array<Entry<Item, ItemOut>>): Promise<void> {
    const items = batch.map((entry) => entry.item)
    const span: Interval = { start: performance.now(), end: 0 }
    let waitedMs = 0
    const call: BatchCall = { deadlineAt: latestDeadline(batch), waited: (ms) => (waitedMs += ms) }
    let outputs: Array<ItemOut | Error> = []
    let failure: ServingError | undefined
    try {
      outputs = await this.process(items, call)
      if (!Array.isArray(outputs) || outputs.length !== items.length) {
        const got = Array.isArray(outputs) ? `${outputs.length} outputs` : typeof outputs
        failure = new InferenceError(`op "${this.name}" returned ${got} for a batch of ${items.length} items`)
      }
    } catch (error) {
      failure = toServingError(error, `op "${this.name}" failed on a batch of ${items.length} items`)
    }
    span.end = performance.now()
    const ms = span.end - span.start
    this.#batchMs = this.#batchMs === 0 ? ms : 0.8 * this.#batchMs + 0.2 * ms
    // The requests' model time starts once the runtime stopped waiting (for cores, say).
    span.start = Math.min(span.end, span.start + waitedMs)
    batch.forEach((entry, i) => this.#deliver(entry, failure ?? outputs[i]!, span))
  }

  #deliver(entry: Entry<Item, ItemOut>, value: ItemOut | Error, span: Interval): void {
    const { request } = entry
    if (request.settled) return
    if (request.batches.at(-1) !== span) request.batches.push(span)
    if (value instanceof Error) {
      this.#fail(request, toServingError(value, `op "${this.name}" failed on item ${entry.index}`))
      return
    }
    request.outputs[entry.index] = value
    if (--request.remaining > 0) return
    this.#settle(request)
    const processMs = coveredTime(request.batches)
    const doneAt = Math.max(...request.batches.map((b) => b.end))
    request.resolve({ outputs: request.outputs, queuedMs: doneAt - request.submittedAt - processMs, processMs, doneAt })
  }

  #fail(request: Pending<Item, ItemOut>, error: unknown): void {
    if (request.settled) return
    this.#settle(request)
    request.reject(error)
  }

  /** Detaches a finished request and frees the queue slots its remaining items held. */
  #settle(request: Pending<Item, ItemOut>): void {
    request.settled = true
    request.signal.removeEventListener('abort', request.onAbort)
    if (request.queued === 0) return
    this.#queue = this.#queue.filter((entry) => entry.request !== request)
    request.queued = 0
    this.#armTimer()
  }

  #armTimer(): void {
    const { batchTimeoutMs, concurrency } = this.settings
    const oldest = this.#queue[0]
    if (this.#stopped || oldest === undefined || this.#running.size >= concurrency) {
      this.#clearTimer()
      return
    }
    const dueAt = oldest.request.submittedAt + batchTimeoutMs
    if (this.#timer !== undefined && this.#timerDueAt === dueAt) return
    this.#clearTimer()
    this.#timerDueAt = dueAt
    // Left ref'd: it is short and only armed while work is queued, which must not be dropped.
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#pump()
    }, Math.max(0, dueAt - performance.now()))
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #overloaded(needed: number): Overloaded {
    const { queueSize, batchSize, concurrency } = this.settings
    const queued = this.#queue.length
    // Roughly how long the queue takes to drain, so clients back off about that long.
    const drainMs = Math.ceil(queued / (batchSize * concurrency)) * this.#batchMs
    const retryAfterS = Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(drainMs / 1000)))
    return new Overloaded(
      `op "${this.name}" is overloaded: its queue is full (queueSize ${queueSize}, ${queued} queued) ` +
        `and this request has ${needed} items; retry in ${retryAfterS} s`,
      retryAfterS,
    )
  }
}

/** The call serves every request of the batch, so it may run until the last one's deadline. */
function latestDeadline(batch: ReadonlyArray<Entry<unknown, unknown>>): number | undefined {
  let latest: number | undefined
  for (const { request } of batch) {
    if (request.deadlineAt === undefined) return undefined
    latest = Math.max(latest ?? request.deadlineAt, request.deadlineAt)
  }
  return latest
}

function toServingError(error: unknown, context: string): ServingError {
  if (isServingError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new InferenceError(`${context}: ${message}`, { cause: error })
}
