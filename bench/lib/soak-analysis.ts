/**
 * What a soak run shows: the server's RSS over the run (sampled every second), latency early vs
 * late, and errors, by tenths of the requests in completion order; and the three pass/fail checks.
 */
import { percentile } from './stats.js'
import { formatTable, ms } from './table.js'

export interface SoakAnswer {
  readonly service: string
  readonly status: number | 'fetch-error'
  readonly ms: number
  /** ms since the start of the run when the answer was complete. */
  readonly doneAtMs: number
}

export interface RssSample {
  readonly atMs: number
  readonly rssBytes: number
  readonly done: number
}

export interface SoakSlice {
  readonly label: string
  readonly requests: number
  readonly untilS: number
  readonly rssMb: number
  readonly perS: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
}

export interface SoakAnalysis {
  readonly slices: SoakSlice[]
  readonly warmupRequests: number
  readonly rssAfterWarmupMb: number
  readonly rssEndMb: number
  readonly rssMaxMb: number
  readonly rssGrowthPct: number
  readonly window: number
  readonly p99FirstMs: number
  readonly p99LastMs: number
  readonly p99Ratio: number
  readonly statuses: Record<string, number>
  /** 5xx other than 503 (overload and model-not-ready are expected answers), and failed connections. */
  readonly unexpected5xx: number
  readonly perService: Record<string, { requests: number; p50Ms: number; p99Ms: number; errors: number }>
}

const MB = 1024 * 1024
const sortedMs = (answers: readonly SoakAnswer[]) => answers.map((a) => a.ms).sort((x, y) => x - y)
const p = (answers: readonly SoakAnswer[], q: number) => (answers.length === 0 ? Number.NaN : percentile(sortedMs(answers), q))

/** The last RSS sample taken at or before `atMs` (the first one if none). */
function rssAt(samples: readonly RssSample[], atMs: number): number {
  let rss = samples[0]?.rssBytes ?? Number.NaN
  for (const s of samples) if (s.atMs <= atMs) rss = s.rssBytes
  return rss / MB
}

export function analyzeSoak(answers: readonly SoakAnswer[], samples: readonly RssSample[], endRssBytes: number): SoakAnalysis {
  const done = [...answers].sort((a, b) => a.doneAtMs - b.doneAtMs)
  const n = done.length
  const slices: SoakSlice[] = []
  let from = 0
  for (let k = 1; k <= 10; k++) {
    const to = Math.round((k * n) / 10)
    const part = done.slice(from, to)
    if (part.length === 0) continue
    const startMs = from === 0 ? 0 : done[from - 1]!.doneAtMs
    const untilMs = done[to - 1]!.doneAtMs
    slices.push({
      label: `${k * 10} %`,
      requests: to,
      untilS: untilMs / 1000,
      rssMb: rssAt(samples, untilMs),
      perS: (part.length * 1000) / Math.max(1, untilMs - startMs),
      p50Ms: p(part, 50),
      p99Ms: p(part, 99),
      errors: part.filter((a) => a.status !== 200).length,
    })
    from = to
  }
  const warmupRequests = Math.round(n / 10)
  const rssAfterWarmupMb = rssAt(samples, done[Math.max(0, warmupRequests - 1)]?.doneAtMs ?? 0)
  const rssEndMb = endRssBytes / MB
  const window = Math.round(n / 5)
  const p99FirstMs = p(done.slice(0, window), 99)
  const p99LastMs = p(done.slice(n - window), 99)
  const statuses: Record<string, number> = {}
  for (const a of done) statuses[a.status] = (statuses[a.status] ?? 0) + 1
  const unexpected5xx = done.filter((a) => a.status === 'fetch-error' || (a.status >= 500 && a.status !== 503)).length
  const perService: SoakAnalysis['perService'] = {}
  for (const service of [...new Set(done.map((a) => a.service))]) {
    const mine = done.filter((a) => a.service === service)
    perService[service] = { requests: mine.length, p50Ms: p(mine, 50), p99Ms: p(mine, 99), errors: mine.filter((a) => a.status !== 200).length }
  }
  return {
    slices,
    warmupRequests,
    rssAfterWarmupMb,
    rssEndMb,
    rssMaxMb: Math.max(...samples.map((s) => s.rssBytes / MB), rssEndMb),
    rssGrowthPct: ((rssEndMb - rssAfterWarmupMb) / rssAfterWarmupMb) * 100,
    window,
    p99FirstMs,
    p99LastMs,
    p99Ratio: p99LastMs / p99FirstMs,
    statuses,
    unexpected5xx,
    perService,
  }
}

export function formatSoak(a: SoakAnalysis): string {
  const slices = formatTable(
    ['requests done', 'at s', 'RSS MB', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    a.slices.map((s) => [`${s.label} (${s.requests})`, s.untilS.toFixed(0), s.rssMb.toFixed(0), s.perS.toFixed(1), ms(s.p50Ms), ms(s.p99Ms), String(s.errors)]),
  )
  const services = formatTable(
    ['service', 'requests', 'p50 ms', 'p99 ms', 'errors'],
    Object.entries(a.perService).map(([name, s]) => [name, String(s.requests), ms(s.p50Ms), ms(s.p99Ms), String(s.errors)]),
  )
  const statuses = Object.entries(a.statuses).map(([status, count]) => `${status}×${count}`).join(' ')
  const check = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
  return [
    'RSS and latency by tenths of the requests (completion order; RSS = last 1 s sample at that point):',
    slices,
    '',
    'per service over the whole run:',
    services,
    '',
    `RSS after warm-up (first ${a.warmupRequests} requests) ${a.rssAfterWarmupMb.toFixed(0)} MB, at end ${a.rssEndMb.toFixed(0)} MB, max ${a.rssMaxMb.toFixed(0)} MB`,
    `p99 of the first ${a.window} requests ${ms(a.p99FirstMs)} ms, of the last ${a.window} ${ms(a.p99LastMs)} ms`,
    `statuses: ${statuses}`,
    '',
    `${check(a.rssGrowthPct < 10)}  RSS growth after warm-up = ${a.rssGrowthPct.toFixed(1)} % (target < 10 %)`,
    `${check(a.unexpected5xx === 0)}  5xx other than 503 (and failed connections) = ${a.unexpected5xx} (target 0)`,
    `${check(a.p99Ratio <= 1.2)}  p99 last ${a.window} / first ${a.window} = ${a.p99Ratio.toFixed(2)} (target ≤ 1.2)`,
  ].join('\n')
}
