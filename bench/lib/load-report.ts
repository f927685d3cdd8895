/** The result of `npm run bench` (also its `--json`), its printed sections and acceptance lines. */
import { formatBatchSizes } from './batch-metrics.js'
import type { CoresRow } from './cores.js'
import type { FloorResult } from './floor.js'
import { formatLineCost } from './line-cost.js'
import { formatErrors, type LevelResult } from './load-level.js'
import type { ServiceName } from './load-plan.js'
import type { MachineInfo } from './machine.js'
import type { OpenLoopPhase, SweepResult } from './service-sweep.js'
import type { PhaseStats } from './stats.js'
import { formatTable, ms } from './table.js'

export interface PeerResult {
  readonly images: number
  readonly stats: PhaseStats
}

export interface ServiceResult {
  readonly sweep: SweepResult
  readonly floor?: FloorResult
  readonly openLoop?: OpenLoopPhase
  readonly peer?: PeerResult
}

export interface Acceptance {
  readonly name: string
  readonly value: number | undefined
  readonly target: string
  readonly pass: boolean | undefined
}

export interface LoadResult {
  readonly date: string
  readonly machine: MachineInfo
  readonly quick: boolean
  readonly parts: string[]
  readonly runtime: unknown
  readonly ops: Record<string, unknown>
  readonly services: Partial<Record<ServiceName, ServiceResult>>
  readonly cores?: CoresRow[]
  readonly acceptance: Acceptance[]
}

const level = (sweep: SweepResult | undefined, c: number): LevelResult | undefined => sweep?.levels.find((l) => l.concurrency === c)
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : a / b)
const times = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`)
const best = (sweep: SweepResult): LevelResult => sweep.levels.reduce((a, b) => (b.stats.imagesPerS > a.stats.imagesPerS ? b : a))

export function formatSweep(sweep: SweepResult): string {
  const c1 = level(sweep, 1)
  return formatTable(
    ['c', 'requests', 'img/s', '×c=1', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'mean batch per op', 'srv cpu %core', 'srv cpu %cores', 'srv cpu ms/img', 'client %core', 'conns'],
    sweep.levels.map((l) => [
      String(l.concurrency),
      String(l.stats.requests),
      l.stats.imagesPerS.toFixed(2),
      times(ratio(l.stats.imagesPerS, c1?.stats.imagesPerS)),
      ms(l.stats.p50Ms),
      ms(l.stats.p90Ms),
      ms(l.stats.p99Ms),
      formatErrors(l.statuses),
      formatBatchSizes(l.batch),
      l.serverCorePct.toFixed(0),
      `${l.serverBudgetPct.toFixed(0)} of ${l.serverCores}`,
      // CPU time per image: if it does not fall as load rises, throughput can grow only by the idle cores.
      ((l.serverCorePct * 10) / l.stats.imagesPerS).toFixed(0),
      l.clientCorePct.toFixed(0),
      String(l.maxConnections),
    ]),
  )
}

export function formatFloor(floor: FloorResult, sweep: SweepResult): string {
  const c1 = level(sweep, 1)
  const models = Object.entries(floor.perModelMs).map(([m, v]) => `${m} ${ms(v)}`).join(', ')
  const top = best(sweep)
  return [
    `floor: model calls alone ${ms(floor.latency.p50Ms)} ms/image p50 (mean ${ms(floor.latency.meanMs)}; ${floor.callsPerImage.toFixed(1)} calls/image: ${models}) at ${floor.threads} threads;` +
      ` c=1 p50 / floor p50 = ${times(ratio(c1?.stats.p50Ms, floor.latency.p50Ms))}`,
    `floor throughput: ${floor.throughput.toFixed(2)} images/s measured with ${floor.workers} single-threaded replay loops in worker threads` +
      ` (estimate ${floor.workers} × 1000 / ${ms(floor.oneThreadMsPerImage)} ms = ${floor.estimatedThroughput.toFixed(2)});` +
      ` best server throughput (c=${top.concurrency}) / floor = ${times(ratio(top.stats.imagesPerS, floor.throughput))}`,
  ].join('\n')
}

export function formatOpenLoop(phase: OpenLoopPhase): string {
  const { result: r, sample } = phase
  return [
    `open loop: ${r.stats.requests} requests, ${r.arrivals} arrivals at ${phase.loadFactor} × ${phase.maxClosedLoop.toFixed(2)} = ${r.targetRatePerS.toFixed(2)}/s` +
      ` (offered ${r.offeredRatePerS.toFixed(2)}/s, answered ${r.stats.imagesPerS.toFixed(2)}/s)`,
    `  latency from scheduled arrival: p50 ${ms(r.stats.p50Ms)}, p90 ${ms(r.stats.p90Ms)}, p99 ${ms(r.stats.p99Ms)}, max ${ms(r.stats.maxMs)} ms;` +
      ` p99 / p50 = ${times(r.stats.p99Ms / r.stats.p50Ms)}`,
    `  errors ${formatErrors(r.statuses)}; most in flight ${r.maxInFlight}; worst send lag ${ms(r.maxSendLagMs)} ms;` +
      ` server cpu ${sample.serverCorePct.toFixed(0)} % of a core; mean batch ${formatBatchSizes(sample.batch)}`,
  ].join('\n')
}

export function formatPeer(peer: PeerResult, sweep: SweepResult): string {
  const c1 = level(sweep, 1)
  return (
    `peer @gutenye/ocr-node (sequential in the bench process, server idle, ${peer.images} images): mean ${ms(peer.stats.meanMs)}, p50 ${ms(peer.stats.p50Ms)} ms, ` +
    `${peer.stats.imagesPerS.toFixed(2)} images/s; /ocr c=1 p50 / peer p50 = ${times(ratio(c1?.stats.p50Ms, peer.stats.p50Ms))}, ` +
    `best /ocr throughput / peer = ${times(ratio(best(sweep).stats.imagesPerS, peer.stats.imagesPerS))}`
  )
}

export function formatService(name: ServiceName, result: ServiceResult): string {
  const { sweep } = result
  const parts = [`## ${sweep.route} — ${sweep.images} images, closed loop, one level after another`, '', formatSweep(sweep), '']
  if (result.floor) parts.push(formatFloor(result.floor, sweep))
  if (result.openLoop) parts.push(formatOpenLoop(result.openLoop))
  if (result.peer) parts.push(formatPeer(result.peer, sweep))
  if (sweep.lineCost) parts.push('', `${name} latency at c=1 against text lines returned:`, formatLineCost(sweep.lineCost.costs, sweep.lineCost.fit))
  return parts.join('\n')
}

export function formatSummary(result: LoadResult): string {
  const rows = (Object.entries(result.services) as Array<[ServiceName, ServiceResult]>).map(([name, s]) => {
    const c1 = level(s.sweep, 1)
    const top = best(s.sweep)
    const errors = s.sweep.levels.reduce((n, l) => n + l.errors, 0)
    return [
      `/${name}`,
      c1 ? ms(c1.stats.p50Ms) : '-',
      c1 ? c1.stats.imagesPerS.toFixed(2) : '-',
      `${top.stats.imagesPerS.toFixed(2)} (c=${top.concurrency})`,
      times(ratio(top.stats.imagesPerS, c1?.stats.imagesPerS)),
      s.floor ? ms(s.floor.latency.p50Ms) : '-',
      times(ratio(c1?.stats.p50Ms, s.floor?.latency.p50Ms)),
      s.floor ? s.floor.throughput.toFixed(2) : '-',
      times(ratio(top.stats.imagesPerS, s.floor?.throughput)),
      String(errors),
    ]
  })
  return formatTable(['service', 'c=1 p50 ms', 'c=1 img/s', 'best img/s', 'best/c=1', 'floor p50 ms', 'c=1/floor', 'floor img/s', 'best/floor', 'errors'], rows)
}

export function acceptance(services: LoadResult['services']): Acceptance[] {
  const check = (name: string, value: number | undefined, target: string, ok: (v: number) => boolean): Acceptance => ({
    name,
    value,
    target,
    pass: value === undefined ? undefined : ok(value),
  })
  const { ocr, classify } = services
  const open = ocr?.openLoop?.result.stats
  return [
    check('/ocr throughput c=4 / c=1', ratio(level(ocr?.sweep, 4)?.stats.imagesPerS, level(ocr?.sweep, 1)?.stats.imagesPerS), '≥ 1.25', (v) => v >= 1.25),
    check('/classify c=1 p50 / bare model p50', ratio(level(classify?.sweep, 1)?.stats.p50Ms, classify?.floor?.latency.p50Ms), '≤ 1.15', (v) => v <= 1.15),
    check('/classify throughput c=8 / c=1', ratio(level(classify?.sweep, 8)?.stats.imagesPerS, level(classify?.sweep, 1)?.stats.imagesPerS), '≥ 1.3', (v) => v >= 1.3),
    check('/ocr p99 / p50 at 0.8 × max throughput (open loop)', ratio(open?.p99Ms, open?.p50Ms), '≤ 3', (v) => v <= 3),
  ]
}

export function formatAcceptance(lines: readonly Acceptance[]): string {
  return lines
    .map((a) => `${a.pass === undefined ? 'N/A ' : a.pass ? 'PASS' : 'FAIL'}  ${a.name} = ${a.value === undefined ? 'not measured in this run' : a.value.toFixed(2)} (target ${a.target})`)
    .join('\n')
}
