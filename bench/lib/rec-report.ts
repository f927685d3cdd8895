/** Rows, tables and acceptance lines of the recognition benchmark. */
import type { RecognizedObject } from '../../src/tasks/recognition/rec-results.js'
import type { BenchImage } from './rec-dataset.js'
import { detectionRecall, groupMetrics, type GroupMetrics } from './rec-metrics.js'
import { percentile } from './stats.js'
import { formatTable } from './table.js'

export interface ConfigRow {
  readonly config: string
  /** Ground-truth boxes (scenes) covered by a searched box at IoU ≥ 0.5; undefined when only final answers exist. */
  readonly detRecall: number | undefined
  /** The same by `locates` (IoU ≥ 0.5 or inside the pasted photo), the rule named boxes are scored by. */
  readonly detLocated: number | undefined
  readonly scenes: GroupMetrics
  readonly photos: GroupMetrics
  readonly coco: GroupMetrics
  readonly negatives: GroupMetrics
  /** p50 of one request alone, ms; undefined for rows replayed from another pass. */
  readonly p50Ms: number | undefined
}

export function configRow(
  config: string,
  images: readonly BenchImage[],
  answers: ReadonlyArray<readonly RecognizedObject[]>,
  raw: ReadonlyArray<readonly RecognizedObject[]> | undefined,
  latenciesMs: readonly number[] | undefined,
): ConfigRow {
  return {
    config,
    detRecall: raw && detectionRecall(images, raw, ['scene']),
    detLocated: raw && detectionRecall(images, raw, ['scene'], false),
    scenes: groupMetrics(images, answers, ['scene']),
    photos: groupMetrics(images, answers, ['photo']),
    coco: groupMetrics(images, answers, ['coco']),
    negatives: groupMetrics(images, answers, ['negative']),
    p50Ms: latenciesMs && percentile([...latenciesMs].sort((a, b) => a - b), 50),
  }
}

const f3 = (x: number): string => x.toFixed(3)
const f1 = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(1))
const frac = (a: number, b: number): string => `${a}/${b}`

export function formatRows(rows: readonly ConfigRow[]): string {
  return formatTable(
    ['configuration', 'det R@.5', 'det R loc', 'scenes P', 'scenes R', 'photos named', 'photo P', 'photo R', 'COCO false', 'neg false', 'p50 ms'],
    rows.map((r) => [
      r.config,
      r.detRecall === undefined ? '–' : f3(r.detRecall),
      r.detLocated === undefined ? '–' : f3(r.detLocated),
      f3(r.scenes.precision),
      f3(r.scenes.recall),
      frac(r.photos.imagesNamedRight, r.photos.images),
      f3(r.photos.precision),
      f3(r.photos.recall),
      frac(r.coco.imagesWithNamed, r.coco.images),
      frac(r.negatives.imagesWithNamed, r.negatives.images),
      f1(r.p50Ms),
    ]),
  )
}

export const TARGETS = { scenesPrecision: 0.9, scenesRecall: 0.8, photosNamed: 7, cocoFalse: 0 } as const

export function acceptanceLines(row: ConfigRow): { lines: string[]; pass: boolean } {
  const checks: Array<[boolean, string]> = [
    [row.scenes.precision >= TARGETS.scenesPrecision, `synthetic scenes named-label precision ${f3(row.scenes.precision)} (≥ ${TARGETS.scenesPrecision})`],
    [row.scenes.recall >= TARGETS.scenesRecall, `synthetic scenes named-label recall ${f3(row.scenes.recall)} (≥ ${TARGETS.scenesRecall})`],
    [row.photos.imagesNamedRight >= TARGETS.photosNamed, `test photos named right ${row.photos.imagesNamedRight}/${row.photos.images} (≥ ${TARGETS.photosNamed})`],
    [row.coco.imagesWithNamed === TARGETS.cocoFalse, `COCO photos with a recognition ${row.coco.imagesWithNamed}/${row.coco.images} (none)`],
  ]
  return { lines: checks.map(([ok, text]) => `${ok ? 'PASS' : 'FAIL'} ${text}`), pass: checks.every(([ok]) => ok) }
}

/** F1 of the scenes, for picking a threshold. */
export const scenesF1 = (r: ConfigRow): number => (r.scenes.precision + r.scenes.recall > 0 ? (2 * r.scenes.precision * r.scenes.recall) / (r.scenes.precision + r.scenes.recall) : 0)
