/**
 * Sums per-request stage times (`det-midp`, `rec-in`, ..., `total`) over a phase, from the engine's
 * context timings or from the `Server-Timing` header, to show which stage dominates.
 */
export class StageTotals {
  readonly #sums = new Map<string, number>()
  #requests = 0

  /** Adds one request's stage times; keys repeat when an op ran twice for the request. */
  addRequest(entries: Iterable<readonly [string, number]>): void {
    this.#requests++
    for (const [key, ms] of entries) this.#sums.set(key, (this.#sums.get(key) ?? 0) + ms)
  }

  get requests(): number {
    return this.#requests
  }

  /** Mean ms per request for each key, in first-seen order. */
  means(): Record<string, number> {
    const means: Record<string, number> = {}
    for (const [key, sum] of this.#sums) means[key] = this.#requests === 0 ? 0 : sum / this.#requests
    return means
  }
}

/** `det-midp;dur=12.3, total;dur=40.1` → [['det-midp', 12.3], ['total', 40.1]]. */
export function parseServerTiming(header: string | null): Array<[string, number]> {
  if (header === null || header.trim() === '') return []
  return header.split(',').flatMap((part) => {
    const [name, ...params] = part.trim().split(';')
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='))
    const ms = dur === undefined ? Number.NaN : Number(dur.slice(4))
    return name && Number.isFinite(ms) ? [[name, ms] as [string, number]] : []
  })
}
