/**
 * Just enough of the Prometheus text format for the status strip: the samples of one metric
 * name summed over its series, and the rate and mean latency between two scrapes of a histogram.
 */

/** Sum of the samples named exactly `name` (over every label set); 0 when there is none. */
export function sumSamples(text: string, name: string): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue
    const rest = line.slice(name.length)
    // The name must end here: `foo_count` must not match `foo_count_total`.
    if (rest[0] !== '{' && rest[0] !== ' ') continue
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1))
    if (Number.isFinite(value)) sum += value
  }
  return sum
}

/** A histogram's totals at one scrape. */
export interface HistogramTotals {
  readonly count: number
  /** Seconds. */
  readonly sum: number
  /** performance.now() of the scrape. */
  readonly at: number
}

export function histogramTotals(text: string, name: string, at: number): HistogramTotals {
  return { count: sumSamples(text, `${name}_count`), sum: sumSamples(text, `${name}_sum`), at }
}

/** Requests per second and their mean latency (ms) between two scrapes; null mean when none came. */
export function rateBetween(before: HistogramTotals, after: HistogramTotals): { perSecond: number; meanMs: number | null } {
  const seconds = (after.at - before.at) / 1000
  const count = Math.max(0, after.count - before.count)
  return {
    perSecond: seconds > 0 ? count / seconds : 0,
    meanMs: count > 0 ? ((after.sum - before.sum) / count) * 1000 : null,
  }
}
