/**
 * What `npm run bench:memory` found, as one object (the `--json` file) and as text: the RSS of
 * each phase against the idle server's, the families' share of the fuzz run, the statuses, the
 * findings, and the acceptance lines of issue 11 (peak ≤ 1.5 × idle, a minute after ≤ 1.2 ×).
 */
import type { FuzzTally } from './fuzz-load.js'
import { formatLoad, type MachineInfo } from './machine.js'
import { formatTable } from './table.js'

export const PEAK_LIMIT = 1.5
export const AFTER_LIMIT = 1.2

export interface MemoryResult {
  readonly date: string
  readonly commit: string
  readonly machine: MachineInfo
  readonly settings: { requests: number; concurrency: number; settleS: number; seed: number; sampleMs: number; serverEnv: Record<string, string> }
  readonly server: { readyAfterS: number; warmup: Record<string, number | string> }
  /** Bytes. `fuzzPeakKernel` is the largest VmHWM of the families, NaN when it could not be reset. */
  readonly rss: {
    ready: number
    idle: number
    fuzzPeakSampled: number
    fuzzPeakKernel: number
    fuzzMin: number
    afterMedianLast1s: number
    afterLast: number
    afterMin: number
    /** [seconds after the fuzz phase, RSS] */
    afterCurve: Array<[number, number]>
  }
  readonly sampling: { count: number; maxGapMs: number }
  readonly fuzz: {
    wallS: number
    requestsPerS: number
    serverCpuCorePct: number
    tally: FuzzTally
    /** Per family: VmHWM over its requests when kernelPeaks, else the largest sample. */
    familyPeaks: Record<string, number>
    kernelPeaks: boolean
    /** Model calls (process() calls) and items per op during the run, from GET /metrics. */
    modelCalls: Record<string, { calls: number; items: number }>
  }
  readonly after: { ready: boolean; serverLogErrors: string[]; loadAverage: readonly number[] }
  readonly checks: Array<{ name: string; value: number; limit: number; pass: boolean }>
}

const mb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : 'n/a')
const times = (bytes: number, idle: number) => (Number.isFinite(bytes) ? (bytes / idle).toFixed(2) : 'n/a')
const statusText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')

/** The checks: the kernel's peak when it was reset before the run, else the sampled one. */
export function memoryChecks(rss: MemoryResult['rss']): MemoryResult['checks'] {
  const peak = Number.isFinite(rss.fuzzPeakKernel) ? Math.max(rss.fuzzPeakKernel, rss.fuzzPeakSampled) : rss.fuzzPeakSampled
  const peakRatio = peak / rss.idle
  const afterRatio = rss.afterMedianLast1s / rss.idle
  return [
    { name: 'peak RSS during the fuzz run / idle', value: peakRatio, limit: PEAK_LIMIT, pass: peakRatio <= PEAK_LIMIT },
    { name: 'RSS a minute after / idle', value: afterRatio, limit: AFTER_LIMIT, pass: afterRatio <= AFTER_LIMIT },
  ]
}

export function formatMemory(r: MemoryResult): string {
  const { rss, fuzz, settings } = r
  const out: string[] = []
  const settle = settings.settleS
  out.push(
    formatTable(['RSS', 'MB', '× idle'], [
      ['right after /readyz (before any request)', mb(rss.ready), times(rss.ready, rss.idle)],
      ['idle: warm, every model run once (median of 1 s)', mb(rss.idle), '1.00'],
      ['fuzz peak, kernel VmHWM (reset before each family)', mb(rss.fuzzPeakKernel), times(rss.fuzzPeakKernel, rss.idle)],
      [`fuzz peak, ${settings.sampleMs} ms samples`, mb(rss.fuzzPeakSampled), times(rss.fuzzPeakSampled, rss.idle)],
      ['fuzz minimum (samples)', mb(rss.fuzzMin), times(rss.fuzzMin, rss.idle)],
      [`${settle} s after: median of the last 1 s`, mb(rss.afterMedianLast1s), times(rss.afterMedianLast1s, rss.idle)],
      [`${settle} s after: last sample`, mb(rss.afterLast), times(rss.afterLast, rss.idle)],
      [`minimum over the ${settle} s after`, mb(rss.afterMin), times(rss.afterMin, rss.idle)],
    ]),
  )
  out.push(`after the run, RSS MB at +s: ${rss.afterCurve.map(([s, b]) => `+${s} ${mb(b)}`).join(', ')}`)
  out.push(`sampling: ${r.sampling.count} samples of VmRSS every ${settings.sampleMs} ms, longest gap ${r.sampling.maxGapMs.toFixed(0)} ms`)

  // In the order they ran.
  const rows = Object.entries(fuzz.tally.families).map(([name, f]) => {
    const s = (f.lastAnsweredMs - f.firstSentMs) / 1000
    return [name, String(f.requests), s.toFixed(1), (f.requests / s).toFixed(1), mb(fuzz.familyPeaks[name] ?? Number.NaN), statusText(f.statuses)]
  })
  out.push('', formatTable(['family', 'requests', 's', 'req/s', fuzz.kernelPeaks ? 'VmHWM MB' : 'peak MB', 'statuses'], rows))
  const t = fuzz.tally
  out.push(
    '',
    `fuzz run: ${t.done} requests in ${fuzz.wallS.toFixed(1)} s = ${fuzz.requestsPerS.toFixed(1)} requests/s at concurrency ${settings.concurrency}; ` +
      `slowest answer ${t.slowestMs.toFixed(0)} ms; server CPU ${fuzz.serverCpuCorePct.toFixed(0)} % of a core`,
    `statuses: ${statusText(t.statuses)}`,
    `model calls / items per op during the run (GET /metrics): ${Object.entries(fuzz.modelCalls).map(([op, w]) => `${op} ${w.calls}/${w.items}`).join(', ') || 'none'}`,
  )
  out.push(`server bugs (5xx other than 503/504, failed connections, hangs): ${t.bugs.length}`)
  for (const bug of t.bugs.slice(0, 10)) out.push(`  [${bug.family}] ${bug.what}\n  ${bug.request.replace(/\n/g, '\n  ')}`)
  if (t.bugs.length > 10) out.push(`  … ${t.bugs.length - 10} more in the --json file`)
  out.push(`answers outside their route's error envelope (test/fuzz/envelopes.ts): ${t.envelopeProblems.length}`)
  for (const p of t.envelopeProblems.slice(0, 5)) out.push(`  [${p.family}] ${p.what}\n  ${p.request.replace(/\n/g, '\n  ')}`)
  if (t.envelopeProblems.length > 5) out.push(`  … ${t.envelopeProblems.length - 5} more in the --json file`)
  out.push(`server afterwards: /readyz ${r.after.ready ? '200' : 'NOT ready'}; error lines in its log: ${r.after.serverLogErrors.length}`)
  for (const line of r.after.serverLogErrors.slice(0, 5)) out.push(`  ${line.slice(0, 300)}`)

  out.push('')
  for (const c of r.checks) out.push(`${c.pass ? 'PASS' : 'FAIL'} ${c.name}: ${c.value.toFixed(2)} (≤ ${c.limit})`)
  out.push(`load ${formatLoad(r.after.loadAverage)} at end`)
  return out.join('\n')
}
