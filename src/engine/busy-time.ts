/** Wall time covered by a set of intervals, counting overlaps once. */

export interface Interval {
  start: number
  end: number
}

/**
 * A request split across batches that ran side by side was "being processed" for the union of
 * their intervals, not their sum; the rest of its time it was waiting.
 */
export function coveredTime(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start)
  let total = 0
  let start = -Infinity
  let end = -Infinity
  for (const interval of sorted) {
    if (interval.start > end) {
      if (end > start) total += end - start
      start = interval.start
      end = interval.end
    } else if (interval.end > end) {
      end = interval.end
    }
  }
  if (end > start) total += end - start
  return total
}
