/**
 * Aggregates per-op stage times and per-service request outcomes over a window, in the spirit of
 * Paddle Serving's profile: mean time per stage, the op's idle ratio, qps and latency percentiles.
 * Also counts each op's batch sizes, cumulatively (a histogram, not windowed).
 *
 * The engine records into its tracer only; other consumers (the Prometheus metrics,
 * src/server/metrics.ts) subscribe to the same events, so there is one source of timings.
 */
import { performance } from 'node:perf_hooks'
import { log } from '../util/log.js'
import { LatencyWindow, type Percentiles } from './latency-window.js'
import { formatSnapshot } from './trace-format.js'

/** in: queued, prep: preprocess, midp: model call, postp: postprocess, out: wait before postprocess. */
export type Stage = 'in' | 'prep' | 'midp' | 'postp' | 'out'

export const STAGES: readonly Stage[] = ['in', 'prep', 'midp', 'postp', 'out']

export type OpSummary = Record<Stage, number> & {
  /** Requests seen: the most samples recorded for any stage. */
  count: number
  /** 1 - (prep + midp + postp) / (in + prep + midp + postp + out), from the stage means. */
  idle: number
}

export interface ServiceSummary {
  count: number
  qps: number
  successRatio: number
  latency: Percentiles & { mean: number }
}

export interface TracerSnapshot {
  /** Seconds since the window started (construction or the last reset). */
  windowS: number
  ops: Record<string, OpSummary>
  services: Record<string, ServiceSummary>
}

export interface TracerOptions {
  /** How many recent latencies per service feed the percentiles (default 10 000). */
  latencyWindow?: number
  /** Clock in ms; injectable for tests. */
  now?: () => number
}

/** Receives every event the tracer records, as it is recorded (each method optional). */
export interface TracerListener {
  /** One stage of one request through `op` took `ms`. */
  stage?(op: string, stage: Stage, ms: number): void
  /** One process() call of `op` carried `size` items. */
  batch?(op: string, size: number): void
  /** One request of `service` ended, successfully or not, after `ms`. */
  request?(service: string, ok: boolean, ms: number): void
}

interface OpTotals {
  sums: Record<Stage, number>
  counts: Record<Stage, number>
}

interface ServiceTotals {
  count: number
  ok: number
  totalMs: number
  latencies: LatencyWindow
}

export class Tracer {
  readonly #latencyWindow: number
  readonly #now: () => number
  #ops = new Map<string, OpTotals>()
  #services = new Map<string, ServiceTotals>()
  /** Per op, process() calls by batch size: counts, so memory is bounded by the batch size. */
  readonly #batchSizes = new Map<string, Map<number, number>>()
  #windowStartedAt: number
  #timer: NodeJS.Timeout | undefined
  #listeners: readonly TracerListener[] = []

  constructor(options: TracerOptions = {}) {
    this.#latencyWindow = options.latencyWindow ?? 10_000
    this.#now = options.now ?? (() => performance.now())
    this.#windowStartedAt = this.#now()
  }

  recordOp(op: string, stage: Stage, ms: number): void {
    let totals = this.#ops.get(op)
    if (totals === undefined) {
      totals = { sums: zeroStages(), counts: zeroStages() }
      this.#ops.set(op, totals)
    }
    totals.sums[stage] += ms
    totals.counts[stage]++
    this.#emit('stage', (listener) => listener.stage?.(op, stage, ms))
  }

  /** One process() call of `op` carrying `size` items. */
  recordBatch(op: string, size: number): void {
    let counts = this.#batchSizes.get(op)
    if (counts === undefined) {
      counts = new Map()
      this.#batchSizes.set(op, counts)
    }
    counts.set(size, (counts.get(size) ?? 0) + 1)
    this.#emit('batch', (listener) => listener.batch?.(op, size))
  }

  /**
   * How many process() calls of `op` carried each number of items, e.g. `{ 1: 8 }`. Cumulative
   * since the tracer was made (snapshots do not reset it), as a histogram export wants.
   */
  batchSizes(op: string): Record<number, number> {
    const counts = [...(this.#batchSizes.get(op) ?? [])].sort(([a], [b]) => a - b)
    return Object.fromEntries(counts)
  }

  recordRequest(service: string, ok: boolean, ms: number): void {
    let totals = this.#services.get(service)
    if (totals === undefined) {
      totals = { count: 0, ok: 0, totalMs: 0, latencies: new LatencyWindow(this.#latencyWindow) }
      this.#services.set(service, totals)
    }
    totals.count++
    if (ok) totals.ok++
    totals.totalMs += ms
    totals.latencies.add(ms)
    this.#emit('request', (listener) => listener.request?.(service, ok, ms))
  }

  /**
   * Calls `listener` on every event recorded from now on (the windowed summary is unaffected).
   * Returns the function that unsubscribes it.
   */
  subscribe(listener: TracerListener): () => void {
    this.#listeners = [...this.#listeners, listener]
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener)
    }
  }

  /** A listener's failure is logged, never thrown into the request or batch that recorded the event. */
  #emit(event: string, call: (listener: TracerListener) => void): void {
    for (const listener of this.#listeners) {
      try {
        call(listener)
      } catch (error) {
        log.error(`tracer listener failed on a ${event} event: ${(error as Error)?.message ?? String(error)}`)
      }
    }
  }

  snapshot(options: { reset?: boolean } = {}): TracerSnapshot {
    const now = this.#now()
    const windowS = (now - this.#windowStartedAt) / 1000
    const ops: Record<string, OpSummary> = {}
    for (const [name, totals] of this.#ops) ops[name] = summarizeOp(totals)
    const services: Record<string, ServiceSummary> = {}
    for (const [name, totals] of this.#services) services[name] = summarizeService(totals, windowS)
    if (options.reset === true) {
      this.#ops = new Map()
      this.#services = new Map()
      this.#windowStartedAt = now
    }
    return { windowS, ops, services }
  }

  /** Logs one line per op and service every `intervalS` seconds, each over a fresh window. */
  start(intervalS: number, log: (line: string) => void): void {
    if (!Number.isFinite(intervalS) || intervalS <= 0) {
      throw new RangeError(`tracer interval must be a number of seconds > 0, got ${intervalS}`)
    }
    this.stop()
    this.snapshot({ reset: true })
    this.#timer = setInterval(() => {
      for (const line of formatSnapshot(this.snapshot({ reset: true }))) log(line)
    }, intervalS * 1000)
    // Reporting alone must never keep the process alive.
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }
}

function zeroStages(): Record<Stage, number> {
  return { in: 0, prep: 0, midp: 0, postp: 0, out: 0 }
}

function summarizeOp({ sums, counts }: OpTotals): OpSummary {
  const mean = zeroStages()
  for (const stage of STAGES) mean[stage] = counts[stage] === 0 ? 0 : sums[stage] / counts[stage]
  const busy = mean.prep + mean.midp + mean.postp
  const total = busy + mean.in + mean.out
  return {
    count: Math.max(...STAGES.map((stage) => counts[stage])),
    ...mean,
    idle: total === 0 ? 0 : 1 - busy / total,
  }
}

function summarizeService(totals: ServiceTotals, windowS: number): ServiceSummary {
  return {
    count: totals.count,
    qps: windowS > 0 ? totals.count / windowS : 0,
    successRatio: totals.count === 0 ? 1 : totals.ok / totals.count,
    latency: { mean: totals.count === 0 ? 0 : totals.totalMs / totals.count, ...totals.latencies.percentiles() },
  }
}
