/** The most recent N latencies of one service, in a fixed ring, for percentiles. */

export interface Percentiles {
  p50: number
  p90: number
  p95: number
  p99: number
}

export class LatencyWindow {
  readonly #values: Float64Array
  #size = 0
  #next = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`latency window capacity must be an integer ≥ 1, got ${capacity}`)
    }
    this.#values = new Float64Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  /** O(1): overwrites the oldest value once the ring is full. */
  add(ms: number): void {
    this.#values[this.#next] = ms
    this.#next = (this.#next + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
  }

  /** Sorts a copy, so the cost is paid per snapshot, never per request. */
  percentiles(): Percentiles {
    const sorted = this.#values.slice(0, this.#size).sort()
    return {
      p50: nearestRank(sorted, 50),
      p90: nearestRank(sorted, 90),
      p95: nearestRank(sorted, 95),
      p99: nearestRank(sorted, 99),
    }
  }
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}
