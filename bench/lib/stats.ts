/** Latency percentiles and throughput of one benchmark phase. */
export interface PhaseStats {
  readonly requests: number
  readonly meanMs: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Wall time of the whole phase; with concurrency it is less than the sum of latencies. */
  readonly wallMs: number
  readonly imagesPerS: number
}

/**
 * Nearest-rank percentile of ascending samples (no interpolation: every reported value was actually
 * observed). With fewer than 100 samples p99 is the maximum.
 */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize(latenciesMs: readonly number[], wallMs: number): PhaseStats {
  if (latenciesMs.length === 0) throw new Error('no latency samples: the phase ran no request')
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const sum = sorted.reduce((total, ms) => total + ms, 0)
  return {
    requests: sorted.length,
    meanMs: sum / sorted.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1]!,
    wallMs,
    imagesPerS: (sorted.length * 1000) / wallMs,
  }
}
