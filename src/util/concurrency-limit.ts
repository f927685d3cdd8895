/**
 * A counting semaphore: at most `limit` holders at once, the others wait in arrival order. A
 * waiter whose signal aborts leaves the queue with the signal's reason, so a caller's deadline
 * covers its wait too.
 */
export class ConcurrencyLimit {
  #active = 0
  readonly #waiting: Array<{ grant: () => void; reject: (reason: unknown) => void; signal?: AbortSignal | undefined; onAbort: () => void }> = []

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`)
  }

  get active(): number {
    return this.#active
  }

  get waiting(): number {
    return this.#waiting.length
  }

  /** Resolves with a release function (safe to call twice) once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.#active < this.limit) {
      this.#active++
      return Promise.resolve(this.#releaser())
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort)
          resolve(this.#releaser())
        },
        reject,
        signal,
        onAbort: () => {
          const at = this.#waiting.indexOf(waiter)
          if (at >= 0) this.#waiting.splice(at, 1)
          reject(signal!.reason)
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#waiting.push(waiter)
    })
  }

  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      // The slot passes straight to the next waiter, so the count never dips and overshoots.
      const next = this.#waiting.shift()
      if (next) next.grant()
      else this.#active--
    }
  }
}
