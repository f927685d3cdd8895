/**
 * Open-loop load: requests arrive at a fixed mean rate whether or not earlier ones have been
 * answered (as independent users do), unlike the closed loop where a slow answer delays the next
 * request. Latency counts from each request's scheduled arrival, so a client that falls behind
 * does not hide queueing (no coordinated omission).
 */
import { postImage, type LoadJob } from './http-load.js'
import { progress, progressDone } from './progress.js'
import { seededRandom } from '../../src/util/seeded-random.js'
import { summarize, type PhaseStats } from './stats.js'

export type Arrivals = 'poisson' | 'even'

export interface OpenLoopResult {
  readonly arrivals: Arrivals
  readonly targetRatePerS: number
  /** Requests ÷ time from the first to the last scheduled arrival. */
  readonly offeredRatePerS: number
  /** Latency from scheduled arrival to the last byte of the answer; imagesPerS = answered ÷ wall. */
  readonly stats: PhaseStats
  readonly statuses: Record<string, number>
  readonly maxInFlight: number
  /** Largest delay between a scheduled arrival and the request actually being sent. */
  readonly maxSendLagMs: number
}

/**
 * Arrival offsets in ms with mean gap 1/rate: equal gaps, or exponential ones (a Poisson process)
 * rescaled so the whole schedule spans exactly (count − 1) mean gaps. The bursts stay, but a short
 * run offers the rate asked for instead of whatever its few random gaps add up to.
 */
export function arrivalOffsets(count: number, ratePerS: number, arrivals: Arrivals, seed = 1): number[] {
  const random = seededRandom(seed)
  const meanGapMs = 1000 / ratePerS
  const gaps = Array.from({ length: Math.max(0, count - 1) }, () => (arrivals === 'even' ? 1 : -Math.log(1 - random())))
  const scale = gaps.length === 0 ? 0 : (gaps.length * meanGapMs) / gaps.reduce((a, b) => a + b, 0)
  const offsets = [0]
  for (const gap of gaps) offsets.push(offsets[offsets.length - 1]! + gap * scale)
  return offsets
}

export async function runOpenLoop(
  label: string,
  url: string,
  route: string,
  jobs: readonly LoadJob[],
  ratePerS: number,
  arrivals: Arrivals,
): Promise<OpenLoopResult> {
  const offsets = arrivalOffsets(jobs.length, ratePerS, arrivals)
  const latenciesMs: number[] = []
  const statuses: Record<string, number> = {}
  let inFlight = 0
  let maxInFlight = 0
  let maxSendLagMs = 0
  let done = 0
  const t0 = performance.now()

  const send = async (job: LoadJob, scheduled: number): Promise<void> => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const answer = await postImage(`${url}${job.route ?? route}`, job)
    inFlight--
    latenciesMs.push(performance.now() - scheduled)
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
    progress(`${label}: answered ${++done}/${jobs.length}, ${inFlight} in flight`)
  }

  const pending: Array<Promise<void>> = []
  for (const [i, job] of jobs.entries()) {
    const scheduled = t0 + offsets[i]!
    const wait = scheduled - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - scheduled)
    pending.push(send(job, scheduled))
  }
  await Promise.all(pending)
  progressDone()
  const span = offsets[offsets.length - 1]! - offsets[0]!
  return {
    arrivals,
    targetRatePerS: ratePerS,
    offeredRatePerS: span > 0 ? ((jobs.length - 1) * 1000) / span : Number.NaN,
    stats: summarize(latenciesMs, performance.now() - t0),
    statuses,
    maxInFlight,
    maxSendLagMs,
  }
}
