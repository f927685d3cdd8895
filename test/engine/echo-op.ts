/** Test double: an op whose model call echoes each item n as n * 10 and records every batch. */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Op } from '../../src/engine/index.js'

export interface EchoOp extends Op<number[], number, number, number[]> {
  /** Every batch process() received, in call order. */
  readonly batches: number[][]
  /** Makes process() wait until release() is called (for the batches started from now on). */
  block(): void
  release(): void
}

export interface EchoOpOptions {
  name?: string
  /** Delay of each process() call, in ms (a function for random delays). */
  delayMs?: number | (() => number)
  /** Returns an Error entry for an item instead of its echo. */
  failItem?: (item: number) => Error | undefined
  /** Makes process() throw for a batch. */
  throwBatch?: (batch: readonly number[]) => Error | undefined
}

export function createEchoOp(options: EchoOpOptions = {}): EchoOp {
  const batches: number[][] = []
  let gate: Promise<void> | undefined
  let open: (() => void) | undefined
  return {
    name: options.name ?? 'echo',
    batches,
    block() {
      gate = new Promise((resolve) => (open = resolve))
    },
    release() {
      open?.()
      gate = undefined
    },
    preprocess: (input) => [...input],
    async process(batch) {
      batches.push([...batch])
      if (gate !== undefined) await gate
      const delay = typeof options.delayMs === 'function' ? options.delayMs() : options.delayMs ?? 0
      if (delay > 0) await sleep(delay)
      const thrown = options.throwBatch?.(batch)
      if (thrown !== undefined) throw thrown
      return batch.map((n) => options.failItem?.(n) ?? n * 10)
    },
    postprocess: (_input, outputs) => outputs,
  }
}

/** Settles p and returns what happened and when (ms since `since`). */
export async function outcome<T>(
  p: Promise<T>,
  since = performance.now(),
): Promise<{ value?: T; error?: unknown; ms: number }> {
  try {
    const value = await p
    return { value, ms: performance.now() - since }
  } catch (error) {
    return { error, ms: performance.now() - since }
  }
}
