/**
 * The deadline of the batch a process() call is running, for model runtimes that can use it (a
 * remote call's timeout). An op's process() gets items from several requests and no context, so
 * the engine sets it around the call: the latest deadline among the batch's requests, since the
 * call serves all of them. Undefined outside a batch (tests, the index CLI).
 *
 * Tracked only once a runtime asks for it (trackBatchDeadlines): on Node 20 an active
 * AsyncLocalStorage adds a cost to every promise, which local-only servers need not pay.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

const current = new AsyncLocalStorage<number>()
let tracking = false

/** Called by a runtime that reads batchDeadline(), before it serves its first call. */
export function trackBatchDeadlines(): void {
  tracking = true
}

/** Runs `work` with `deadlineAt` (performance.now() time) as the batch deadline. */
export function withBatchDeadline<T>(deadlineAt: number | undefined, work: () => T): T {
  return tracking && deadlineAt !== undefined ? current.run(deadlineAt, work) : work()
}

/** performance.now() time by which the running batch's requests are all past their deadline. */
export function batchDeadline(): number | undefined {
  return current.getStore()
}
