/**
 * The server's resident memory over time (Linux /proc): VmRSS sampled on a timer, and the
 * kernel's own high-water mark VmHWM, which catches a peak shorter than the sampling interval
 * (a large decode freed within a few ms). The mark is reset through `/proc/PID/clear_refs`, so it
 * covers one phase only.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { rssBytes } from './proc-stats.js'

export interface RssSample {
  /** ms since the sampler was created. */
  readonly atMs: number
  readonly rssBytes: number
}

/** VmHWM in bytes: the most resident memory since start or since the last resetPeak(). */
export function peakRssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
  return line === undefined ? Number.NaN : Number.parseInt(line.slice(6), 10) * 1024
}

/** Sets VmHWM to the current RSS (Linux ≥ 4.0); false when the kernel or permissions refuse. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export class RssSampler {
  readonly samples: RssSample[] = []
  readonly #t0 = performance.now()
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly pid: number) {}

  /** ms since the sampler was created: phase boundaries are given in this clock. */
  now(): number {
    return performance.now() - this.#t0
  }

  sample(): RssSample {
    const sample = { atMs: this.now(), rssBytes: rssBytes(this.pid) }
    this.samples.push(sample)
    return sample
  }

  start(intervalMs: number): void {
    this.stop()
    this.#timer = setInterval(() => this.sample(), intervalMs)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Samples with fromMs ≤ atMs < toMs. */
  between(fromMs: number, toMs: number): RssSample[] {
    return this.samples.filter((s) => s.atMs >= fromMs && s.atMs < toMs)
  }

  /** Largest and smallest value, and the longest gap between two samples, in a window. */
  window(fromMs: number, toMs: number): { count: number; max: number; min: number; maxGapMs: number } {
    const inside = this.between(fromMs, toMs)
    let maxGapMs = 0
    for (let i = 1; i < inside.length; i++) maxGapMs = Math.max(maxGapMs, inside[i]!.atMs - inside[i - 1]!.atMs)
    const values = inside.map((s) => s.rssBytes)
    return { count: inside.length, max: Math.max(...values), min: Math.min(...values), maxGapMs }
  }
}
