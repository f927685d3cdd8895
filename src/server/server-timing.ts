/** Formats a request's stage timings as a Server-Timing header (`det-midp;dur=12.3, ...`). */
import type { StageTiming } from '../engine/request-context.js'

export function serverTiming(timings: readonly StageTiming[], totalMs: number): string {
  const sums = new Map<string, number>()
  for (const { op, stage, ms } of timings) {
    const key = `${op}-${stage}`
    sums.set(key, (sums.get(key) ?? 0) + ms)
  }
  const parts = [...sums].map(([key, ms]) => `${key};dur=${ms.toFixed(1)}`)
  parts.push(`total;dur=${totalMs.toFixed(1)}`)
  return parts.join(', ')
}
