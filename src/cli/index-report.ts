/** The summaries `ppserve index` prints on stdout: plain aligned lines, or JSON for `info --json`. */
import { describeCalibration } from '../retrieval/score-calibration.js'
import type { GalleryInfo } from '../tasks/recognition/gallery.js'
import { MIN_WHITENING_GALLERY } from '../tasks/features/feature-defaults.js'
import type { IndexChange } from './index-build.js'
import type { IndexReport } from './index-import.js'
import { describeUnmatched, type RemoveResult } from './index-remove.js'

const TOP_LABELS = 20
const MAX_LISTED_LINES = 30

const rows = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([key, value]) => `  ${key.padEnd(11)} ${value}`).join('\n')

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, MAX_LISTED_LINES).join(', ')
  return lines.length > MAX_LISTED_LINES ? `${shown}, … (${lines.length - MAX_LISTED_LINES} more)` : shown
}

function classCount(info: GalleryInfo): number {
  return Object.keys(info.labels).length
}

function vectorsRow(info: GalleryInfo, rawDim?: number): string {
  if (info.whitened) return `${info.dim}-d, whitened${rawDim !== undefined ? ` from ${rawDim}-d` : ''}`
  const why = rawDim !== undefined && info.size < MIN_WHITENING_GALLERY ? ` (whitening needs ≥ ${MIN_WHITENING_GALLERY} images at build)` : ''
  return `${info.dim}-d, not whitened${why}`
}

export function formatChange(change: IndexChange): string {
  const { info, problems } = change
  const skipped = problems.length === 0 ? '' : `, ${problems.length} line(s) skipped: ${lineList(problems.map((p) => p.line))}`
  const verb = change.action === 'build' ? 'built' : 'appended to'
  const idRange = change.ids.length > 0 ? ` (ids ${change.ids[0]}–${change.ids[change.ids.length - 1]})` : ''
  return `${verb} index ${info.name} (${change.dir}) in ${change.seconds.toFixed(1)} s
${rows([
  ['images', `${change.added} ${change.action === 'build' ? 'indexed' : 'added'}${idRange}${skipped}`],
  ['size', change.action === 'build' ? `${info.size}` : `${change.sizeBefore} → ${info.size}`],
  ['classes', `${classCount(info)}`],
  ['vectors', vectorsRow(info, change.rawDim)],
  ['index', `${info.method}, ${info.metric}`],
  ['model', info.model],
  ['generation', `${info.generation}`],
  ['score_thres', describeCalibration(info.calibration)],
])}\n`
}

export function formatRemoval(result: RemoveResult, name: string): string {
  const { info, unmatched } = result
  const nothing = unmatched.ids.length + unmatched.labels.length + unmatched.lines.length === 0
  return `removed ${result.removed} entr${result.removed === 1 ? 'y' : 'ies'} from index ${name}
${rows([
  ['size', `${result.sizeBefore} → ${info.size}`],
  ['unmatched', nothing ? 'none' : describeUnmatched(unmatched)],
  ...(result.problems.length > 0 ? [['bad lines', lineList(result.problems.map((p) => p.line))] as const] : []),
  ['classes', `${classCount(info)}`],
  ['generation', `${info.generation}`],
  ['score_thres', describeCalibration(info.calibration)],
])}\n`
}

/** Labels with their image counts, largest first. */
function byCount(info: GalleryInfo): Array<[string, number]> {
  return Object.entries(info.labels).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

function topLabels(info: GalleryInfo): string {
  const sorted = byCount(info)
  const width = String(sorted[0]?.[1] ?? 0).length
  const lines = sorted.slice(0, TOP_LABELS).map(([label, count]) => `  ${String(count).padStart(width)}  ${label}`)
  const more = sorted.length > TOP_LABELS ? [`  … ${sorted.length - TOP_LABELS} more classes (--json lists all)`] : []
  return [`classes (${sorted.length}, images per label${sorted.length > TOP_LABELS ? `, the ${TOP_LABELS} largest` : ''}):`, ...lines, ...more].join('\n')
}

export function formatReport(report: IndexReport, heading: string): string {
  const { info } = report
  return `${heading}
${rows([
  ['size', `${info.size} (faiss ntotal ${report.ntotal})`],
  ['vectors', vectorsRow(info)],
  ['metric', info.metric],
  ['method', info.method],
  ['model', info.model],
  ['generation', `${info.generation}`],
  ['score_thres', describeCalibration(info.calibration)],
])}
${topLabels(info)}\n`
}

export function reportJson(report: IndexReport): string {
  const { name, size, dim, metric, method, model, whitened, generation, calibration } = report.info
  const json = { name, dir: report.dir, size, ntotal: report.ntotal, dim, metric, method, model, whitened, generation, calibration, classes: classCount(report.info), labels: Object.fromEntries(byCount(report.info)) }
  return JSON.stringify(json, null, 2) + '\n'
}
