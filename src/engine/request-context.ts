/**
 * Per-request state the engine threads through every op: identity, deadline, cancellation and
 * stage timings. One AbortSignal carries both ways a request can end early, with a typed reason.
 */
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Cancelled, DeadlineExceeded, InvalidOption, isServingError } from './errors.js'
import type { Stage } from './tracer.js'

export interface RequestContextOptions {
  deadlineMs: number
  requestId?: string
  /** Aborts the request from outside, e.g. when the client disconnects. */
  signal?: AbortSignal
}

export interface StageTiming {
  op: string
  stage: Stage
  ms: number
}

// setTimeout fires at once (with a warning) for longer delays, which would abort every request.
const MAX_DEADLINE_MS = 2 ** 31 - 1

export class RequestContext {
  readonly id: string
  readonly startedAt: number
  readonly deadlineAt: number
  readonly signal: AbortSignal
  readonly timings: StageTiming[] = []

  readonly #controller = new AbortController()
  readonly #parent: AbortSignal | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(options: RequestContextOptions) {
    const { deadlineMs } = options
    if (!Number.isFinite(deadlineMs) || deadlineMs < 0 || deadlineMs > MAX_DEADLINE_MS) {
      throw new InvalidOption(`deadline must be between 0 and ${MAX_DEADLINE_MS} ms, got ${deadlineMs}`)
    }
    this.id = options.requestId ?? randomUUID()
    this.startedAt = performance.now()
    this.deadlineAt = this.startedAt + deadlineMs
    this.signal = this.#controller.signal
    // Every image × op of a request listens on this signal at once; that is expected, not a leak.
    setMaxListeners(0, this.signal)

    this.#parent = options.signal
    if (this.#parent?.aborted) {
      this.#abortFromParent()
      return
    }
    this.#parent?.addEventListener('abort', this.#abortFromParent, { once: true })
    // Kept ref'd on purpose: a pending request must not let the process exit before its deadline.
    // dispose() (always called by Engine.serve) clears it.
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#abort(new DeadlineExceeded(`request ${this.id} exceeded its deadline of ${deadlineMs} ms`))
    }, deadlineMs)
  }

  remainingMs(): number {
    return Math.max(0, this.deadlineAt - performance.now())
  }

  throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason
  }

  /**
   * Marks the point past which the request's work makes a durable change (a gallery commit):
   * throws if the request was already aborted, and from then on neither its deadline nor a
   * disconnect aborts it, so the answer waits for the change and reports it. Without this a
   * change could commit after the client was told 504 (or cancelled), and a retry repeat it.
   */
  enterCommit(): void {
    this.throwIfAborted()
    this.dispose()
  }

  /** Rejects with the abort reason as soon as the context aborts; otherwise settles like `p`. */
  guard<T>(p: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      // p keeps running; observe its outcome so a late rejection is not reported as unhandled.
      p.catch(ignoreAfterAbort)
      return Promise.reject(this.signal.reason)
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(this.signal.reason)
      this.signal.addEventListener('abort', onAbort, { once: true })
      p.then(resolve, reject).finally(() => this.signal.removeEventListener('abort', onAbort))
    })
  }

  /** Clears the deadline timer and detaches from the parent signal. Idempotent. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#parent?.removeEventListener('abort', this.#abortFromParent)
  }

  readonly #abortFromParent = (): void => {
    const reason: unknown = this.#parent?.reason
    this.#abort(isServingError(reason) ? reason : new Cancelled(`request ${this.id} was cancelled by the client`))
  }

  #abort(reason: Error): void {
    if (this.signal.aborted) return
    this.dispose()
    this.#controller.abort(reason)
  }
}

// The caller already has the abort reason; the guarded work's own late failure adds nothing.
function ignoreAfterAbort(): void {}
