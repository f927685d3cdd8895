/**
 * The cores the server may use, shared by every local model call (README "CPU budget").
 *
 * A model call asks for threads before it runs and gives them back when it ends, so the threads
 * of all running calls never exceed the cores: on 2 cores, the det of one request and the rec of
 * another no longer run 2 + 2 onnxruntime threads (which made 4 clients slower than 1). A call
 * that runs alone while the server serves one request gets every core (its `wide` session: lowest
 * latency for one request); calls that overlap, or that run while other requests are being
 * decoded and preprocessed, get one core each (their `narrow` sessions: single-threaded
 * onnxruntime wastes nothing on synchronisation and leaves the main thread its core, so
 * throughput under load is highest). Measured in bench/BENCHMARKS.md.
 *
 * Written by hand: the policy (all cores for a lone call, one each otherwise, FIFO) is specific
 * to how onnxruntime sessions are planned here; no semaphore library decides thread counts.
 */
import os from 'node:os'

export interface CpuGrant {
  /** Threads the call may use: pick the session with this many intra-op threads. */
  readonly threads: number
  /** Gives the threads back; later calls are idempotent. */
  release(): void
}

export interface CpuDemand {
  /** Threads the call needs when other calls run (its narrow session). */
  readonly narrow: number
  /** Threads it can use when it runs alone (its wide session); undefined = always narrow. */
  readonly wide?: number
}

interface Waiter {
  readonly demand: CpuDemand
  readonly resolve: (grant: CpuGrant) => void
}

/** Cores this process may run on: the configured count, else what the affinity mask allows. */
export function availableCpus(configured: number | null | undefined): number {
  return configured ?? os.availableParallelism()
}

export interface CpuBudgetOptions {
  /** Requests the server is serving now; a call runs wide only while this is ≤ 1. Absent = not checked. */
  readonly requestsInFlight?: () => number
}

export class CpuBudget {
  #free: number
  #running = 0
  readonly #waiting: Waiter[] = []
  #aloneCheckScheduled = false

  readonly #requestsInFlight: (() => number) | undefined

  constructor(
    readonly cpus: number,
    options: CpuBudgetOptions = {},
  ) {
    if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`cpus must be an integer ≥ 1, got ${cpus}`)
    this.#free = cpus
    this.#requestsInFlight = options.requestsInFlight
  }

  /** Calls running now and waiting for threads (for /metrics and tests). */
  stats(): { running: number; waiting: number; freeThreads: number } {
    return { running: this.#running, waiting: this.#waiting.length, freeThreads: this.#free }
  }

  /** Resolves once the call may run, with the threads it may use (FIFO among waiting calls). */
  acquire(demand: CpuDemand): Promise<CpuGrant> {
    return new Promise((resolve) => {
      this.#waiting.push({ demand, resolve })
      this.#dispatch()
    })
  }

  /**
   * Grants threads in arrival order. A call that might run alone is decided on the next turn of
   * the event loop instead: the engine starts the batches of one request together (rec lines on
   * two instances), and those must share the cores, not queue behind one wide call.
   */
  #dispatch(decideAlone = false): void {
    while (this.#waiting.length > 0) {
      const head = this.#waiting[0]!
      const mayBeAlone = this.#running === 0 && this.#waiting.length === 1 && head.demand.wide !== undefined
      if (mayBeAlone && !decideAlone) {
        this.#checkAloneLater()
        return
      }
      // Another request's decode or preprocessing would share the cores with a wide call's threads.
      const alone = mayBeAlone && (this.#requestsInFlight?.() ?? 0) <= 1
      const threads = Math.min(this.cpus, alone ? head.demand.wide! : head.demand.narrow)
      if (threads > this.#free) return
      this.#waiting.shift()
      this.#free -= threads
      this.#running++
      head.resolve(this.#grant(threads))
    }
  }

  #checkAloneLater(): void {
    if (this.#aloneCheckScheduled) return
    this.#aloneCheckScheduled = true
    setImmediate(() => {
      this.#aloneCheckScheduled = false
      this.#dispatch(true)
    })
  }

  #grant(threads: number): CpuGrant {
    let released = false
    return {
      threads,
      release: () => {
        if (released) return
        released = true
        this.#free += threads
        this.#running--
        this.#dispatch()
      },
    }
  }
}
