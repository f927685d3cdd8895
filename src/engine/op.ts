/**
 * The contract between a task and the engine. An op is three functions; everything between them
 * (queues, batching, concurrency, deadlines, timing) belongs to the engine.
 */
import type { BatchCall } from './batch-call.js'
import type { RequestContext } from './request-context.js'

export interface Op<In, Item, ItemOut, Out> {
  readonly name: string
  /** Per request: turns one input into the items that go to the model (may be none). */
  preprocess(input: In, ctx: RequestContext): Item[] | Promise<Item[]>
  /** One model call over items that may come from several requests. Return one entry per item, in order;
   *  an Error entry fails only that item's request. Throwing fails every request in the batch.
   *  `call` goes to the model's run() (deadline, waits). */
  process(batch: readonly Item[], call: BatchCall): Promise<Array<ItemOut | Error>>
  /** Per request: `outputs[i]` is the model's answer for `items[i]`. */
  postprocess(input: In, outputs: ItemOut[], items: Item[], ctx: RequestContext): Out | Promise<Out>
}

export interface OpSettings {
  /** Most items in one process() call. */
  batchSize: number
  /** How long the oldest queued item may wait for a batch to fill; 0 sends whatever is queued. */
  batchTimeoutMs: number
  /** Most process() calls in flight at once. */
  concurrency: number
  /** Most items waiting; a request that would exceed it is rejected with Overloaded. */
  queueSize: number
}

/** What the engine must know of an op's model to schedule it (Engine.register's third argument). */
export interface ModelLimits {
  /** The largest batch the model accepts (its fixed batch axis); undefined = any. */
  readonly maxBatch?: number | undefined
  /** The model's name, for the log line when the batch size is capped. */
  readonly model?: string | undefined
}

export interface OpStats {
  /** Items waiting in the queue. */
  queued: number
  /** process() calls running now. */
  inflight: number
}

export interface OpHandle<In, Out> {
  readonly name: string
  run(input: In, ctx: RequestContext): Promise<Out>
  stats(): OpStats
}
