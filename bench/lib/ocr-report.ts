/** The OCR benchmark's result (also its `--json` output) and its printed form. */
import type { ServingConfig } from '../../src/config/schema.js'
import type { Agreement } from './agreement.js'
import { formatLoad, type MachineInfo } from './machine.js'
import type { PhaseStats } from './stats.js'
import { formatTable, ms } from './table.js'

export type PhaseName = 'inProcess' | 'httpC1' | 'httpC4' | 'peer'

export const PHASE_LABELS: Readonly<Record<PhaseName, string>> = {
  inProcess: 'ours in-process (seq)',
  httpC1: 'ours HTTP c=1',
  httpC4: 'ours HTTP c=4',
  peer: '@gutenye/ocr-node (seq)',
}

export interface OcrBenchResult {
  readonly date: string
  readonly machine: MachineInfo
  readonly loadAverageAtEnd: readonly [number, number, number]
  readonly configFile: string
  readonly ops: ServingConfig['services']['ocr']['ops']
  readonly runtime: ServingConfig['runtime']
  readonly imagesDir: string
  readonly images: number
  readonly passes: number
  readonly phases: Record<PhaseName, PhaseStats>
  /** Mean ms per request of each op-stage (and `total`), from ctx timings or Server-Timing. */
  readonly stages: Record<Exclude<PhaseName, 'peer'>, Record<string, number>>
  readonly httpStatuses: Record<'httpC1' | 'httpC4', Record<string, number>>
  readonly agreement: { readonly perImage: Array<Agreement & { image: string }>; readonly total: Agreement }
  readonly ratios: { readonly latencyInProcessVsPeer: number; readonly latencyHttpC1VsPeer: number; readonly throughputHttpC4VsPeer: number }
}

function summaryTable(result: OcrBenchResult): string {
  const rows = (Object.keys(PHASE_LABELS) as PhaseName[]).map((name) => {
    const s = result.phases[name]
    return [PHASE_LABELS[name], String(s.requests), ms(s.meanMs), ms(s.p50Ms), ms(s.p90Ms), ms(s.maxMs), s.imagesPerS.toFixed(2)]
  })
  return formatTable(['mode', 'requests', 'mean ms', 'p50 ms', 'p90 ms', 'max ms', 'images/s'], rows)
}

/** One row per op-stage; `other` is total minus the stages: decode, crops and glue outside the ops. */
function stageTable(stages: OcrBenchResult['stages']): string {
  const columns = [stages.inProcess, stages.httpC1, stages.httpC4]
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c)))].filter((k) => k !== 'total')
  const other = (c: Record<string, number>) => (c.total ?? 0) - keys.reduce((sum, k) => sum + (c[k] ?? 0), 0)
  const rows = keys.map((key) => [key, ...columns.map((c) => ms(c[key] ?? 0))])
  rows.push(['other', ...columns.map((c) => ms(other(c)))], ['total', ...columns.map((c) => ms(c.total ?? 0))])
  return formatTable(['stage (mean ms/request)', 'in-process', 'HTTP c=1', 'HTTP c=4'], rows)
}

function agreementTable({ perImage, total }: OcrBenchResult['agreement']): string {
  const pct = (a: Agreement) => (a.peer === 0 ? '-' : `${((100 * a.agreed) / Math.max(a.ours, a.peer)).toFixed(0)}%`)
  const chars = (a: Agreement) => (a.chars === 0 ? '-' : `${((100 * a.agreedChars) / a.chars).toFixed(1)}%`)
  const row = (name: string, a: Agreement) => [name, String(a.ours), String(a.peer), String(a.agreed), pct(a), chars(a)]
  const rows = perImage.map((a) => row(a.image, a))
  rows.push(row('total', total))
  return formatTable(['image', 'ours', 'peer', 'agreed', 'agreed/max', 'same chars'], rows)
}

function configLines(result: OcrBenchResult): string[] {
  const ops = Object.entries(result.ops).map(
    ([op, s]) => `  ${op}: batch_size ${s.batch_size}, batch_timeout_ms ${s.batch_timeout_ms}, concurrency ${s.concurrency}, queue_size ${s.queue_size}`,
  )
  const r = result.runtime
  return [
    `config:  ${result.configFile}`,
    ...ops,
    `  runtime: intra_op_threads ${r.intra_op_threads}, inter_op_threads ${r.inter_op_threads}, graph_optimization ${r.graph_optimization}, execution_providers ${r.execution_providers.join(',')}`,
    '  peer: onnxruntime defaults (its own thread pool), on the main thread',
  ]
}

export function formatReport(result: OcrBenchResult): string {
  const m = result.machine
  const { ratios } = result
  const x = (n: number) => `${n.toFixed(2)}x`
  return [
    `OCR benchmark  ${result.date}`,
    `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, ${m.platform}`,
    `load average (1/5/15 min): ${formatLoad(m.loadAverage)} at start, ${formatLoad(result.loadAverageAtEnd)} at end`,
    ...configLines(result),
    `images:  ${result.images} from ${result.imagesDir}; ${result.passes} measured passes after 1 warm-up pass`,
    '',
    summaryTable(result),
    '',
    `ratios ours/peer: latency in-process ${x(ratios.latencyInProcessVsPeer)}, latency HTTP c=1 ${x(ratios.latencyHttpC1VsPeer)}` +
      ` (below 1 = ours faster); throughput HTTP c=4 ${x(ratios.throughputHttpC4VsPeer)} (above 1 = ours faster)`,
    `HTTP statuses: c=1 ${JSON.stringify(result.httpStatuses.httpC1)}, c=4 ${JSON.stringify(result.httpStatuses.httpC4)}`,
    '',
    stageTable(result.stages),
    '',
    'agreement (lines with the same trimmed text, multiset; same chars = characters both read / characters of the longer text, as multisets; ours: drop_score 0.5, peer: its own filter)',
    agreementTable(result.agreement),
  ].join('\n')
}
