/**
 * The memory budget (issue 11): the bytes a request's decoded pixels and derived tensors will
 * take are reserved before any of them is allocated, against one budget for the whole server.
 * Past it a request waits briefly, first come first served, then gets 503; one that could never
 * fit gets 413 naming the limit. Reservations are held per request until its work has really
 * ended — past a deadline or a disconnect the decode and the models may still run — so the budget
 * counts what is allocated, not what is still awaited.
 *
 * Written here rather than taken from a semaphore library: the wait must end on the request's
 * own abort signal and on a time limit, and must hold bytes per request, not permits.
 */
import { Overloaded, PayloadTooLarge } from './errors.js'
import type { RequestContext } from './request-context.js'

export interface MemoryBudgetOptions {
  /** Bytes all requests' working buffers may take at once. */
  readonly bytes: number
  /** Longest wait for room before a 503 (cut short by the request's deadline). */
  readonly waitMs: number
}

export interface MemoryBudgetStats {
  readonly limitBytes: number
  readonly reservedBytes: number
  readonly waiting: number
  /** Requests refused so far because the budget stayed full for the whole wait. */
  readonly refused: number
}

interface Waiter {
  readonly ctx: RequestContext
  readonly bytes: number
  readonly grant: () => void
}

const MB = 2 ** 20
const mb = (bytes: number) => `${Math.ceil(bytes / MB)} MB`

export class MemoryBudget {
  readonly #limit: number
  readonly #waitMs: number
  #reserved = 0
  #refused = 0
  readonly #held = new Map<RequestContext, number>()
  readonly #waiters: Waiter[] = []

  constructor(options: MemoryBudgetOptions) {
    this.#limit = options.bytes
    this.#waitMs = options.waitMs
  }

  /**
   * Reserves `bytes` for `ctx` until release(ctx); resolves at once when they fit and no earlier
   * request waits. `what` names the work in messages ("decoding 2 images").
   */
  reserve(ctx: RequestContext, bytes: number, what: string): Promise<void> {
    ctx.throwIfAborted()
    const held = this.#held.get(ctx) ?? 0
    if (held + bytes > this.#limit) {
      return Promise.reject(
        new PayloadTooLarge(`${what} needs about ${mb(held + bytes)} of working memory (decoded pixels and tensors); limits.memory_budget_mb is ${mb(this.#limit)}: send smaller or fewer images`),
      )
    }
    if (this.#waiters.length === 0 && this.#reserved + bytes <= this.#limit) {
      this.#take(ctx, bytes)
      return Promise.resolve()
    }
    return this.#wait(ctx, bytes, what)
  }

  /** Frees everything `ctx` reserved and admits waiting requests that now fit. */
  release(ctx: RequestContext): void {
    const held = this.#held.get(ctx)
    if (held === undefined) return
    this.#held.delete(ctx)
    this.#reserved -= held
    this.#admitWaiters()
  }

  stats(): MemoryBudgetStats {
    return { limitBytes: this.#limit, reservedBytes: this.#reserved, waiting: this.#waiters.length, refused: this.#refused }
  }

  #take(ctx: RequestContext, bytes: number): void {
    this.#reserved += bytes
    this.#held.set(ctx, (this.#held.get(ctx) ?? 0) + bytes)
  }

  #wait(ctx: RequestContext, bytes: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer)
        ctx.signal.removeEventListener('abort', onAbort)
        const at = this.#waiters.indexOf(waiter)
        if (at >= 0) this.#waiters.splice(at, 1)
        // The head leaving may let the next ones in.
        this.#admitWaiters()
      }
      const waiter: Waiter = {
        ctx,
        bytes,
        grant: () => {
          leave()
          resolve()
        },
      }
      const onAbort = () => {
        leave()
        reject(ctx.signal.reason)
      }
      const waitMs = Math.min(this.#waitMs, ctx.remainingMs())
      const timer = setTimeout(() => {
        leave()
        this.#refused++
        reject(
          new Overloaded(
            `server memory is busy: ${what} needs about ${mb(bytes)} and the ${mb(this.#limit)} budget for decoded images (limits.memory_budget_mb) stayed full for ${Math.round(waitMs)} ms; retry in 1 s`,
            1,
          ),
        )
      }, waitMs)
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** First come first served: a large request at the head is not overtaken by smaller ones. */
  #admitWaiters(): void {
    const head = this.#waiters[0]
    if (head === undefined || this.#reserved + head.bytes > this.#limit) return
    this.#take(head.ctx, head.bytes)
    head.grant() // leave() removes it and admits the next
  }
}
