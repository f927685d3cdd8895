/**
 * Fits a gallery's acceptance threshold (`score_thres: auto`) from the gallery itself, leave-one-
 * out: every stored vector is searched against the index (the same faiss search queries use, on
 * the same whitened vectors), itself excluded. Its best similarity to another item of its own
 * label is a genuine score; its best similarity to an item of another label is an impostor score,
 * what a query of a product the gallery does not hold would hit. The threshold is the lowest
 * that accepts at most `targetFar` of the impostor scores.
 *
 * What the target means depends on the features (measured on the drink gallery, 1,068 items):
 * with the official PPLCNet vectors (drink_dataset_v1.0/index), PaddleClas's fixed 0.5 accepts
 * 17.3 % of impostors (sibling flavours of one brand are the near misses), so targetFar 0.17
 * reproduces it; the MobileNet-V2 GeM stand-in needs 0.05 with learned whitening (fit ≈ 0.43;
 * 0.025 with PCA whitening, fit ≈ 0.35), as photos without drinks score like its top few % of
 * impostors.
 */
import { z } from 'zod'
import type { Metric, VectorIndex } from './vector-index.js'

export const CalibrationSettingsSchema = z.strictObject({
  /** Share of impostor scores the threshold may accept. */
  targetFar: z.number().gt(0).lt(1),
  /** Smaller galleries are not fitted (the caller's fixed fallback applies). */
  minLabels: z.number().int().min(2),
  minItems: z.number().int().min(2),
})
export type CalibrationSettings = z.infer<typeof CalibrationSettingsSchema>

/** PaddleClas's operating point with its PPLCNet features (see the file comment). */
export const DEFAULT_CALIBRATION: CalibrationSettings = { targetFar: 0.17, minLabels: 5, minItems: 40 }

/** What a generation records: the fitted threshold (null: not fitted, `reason` says why) and the counts behind it. */
export const ScoreCalibrationSchema = z.strictObject({
  settings: CalibrationSettingsSchema,
  threshold: z.number().nullable(),
  /** Impostor accept rate at the threshold (≤ targetFar). */
  far: z.number().min(0).max(1).nullable(),
  /** Genuine accept rate: items of labels with ≥ 2 items whose best same-label similarity reaches it. */
  gar: z.number().min(0).max(1).nullable(),
  items: z.number().int().nonnegative(),
  labels: z.number().int().nonnegative(),
  impostors: z.number().int().nonnegative(),
  genuines: z.number().int().nonnegative(),
  reason: z.string().optional(),
})
export type ScoreCalibration = z.infer<typeof ScoreCalibrationSchema>

/** Neighbours searched per item: enough to pass a label's other items to its nearest impostor. */
const NEIGHBOURS = 32

/**
 * Items searched as queries at most, evenly spread over the gallery: searching every item is
 * quadratic (20,000 vectors: 2.2 s Flat, 1.8 s HNSW; 100,000 would take minutes) and runs on
 * every change. 2,000 impostor scores still put 50 above a 0.025 target.
 */
export const MAX_CALIBRATION_QUERIES = 2000

/**
 * Queries per search: each runs on one of libuv's few worker threads (shared with image decoding
 * and file I/O), so a large gallery's fit takes its turns there in short steps.
 */
const QUERIES_PER_CALL = 32

/** `count` positions of 0..size-1, evenly spaced (all of them when size ≤ count). */
export function spreadPositions(size: number, count: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i)
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * size) / count))
}

/** Cosine similarity from faiss's score (unit vectors: L2 squared distance d is 1 − d/2), as gallery searches report it. */
export function similarity(metric: Metric, score: number): number {
  return metric === 'IP' ? score : 1 - score / 2
}

/** Share of `scores` at or above `threshold` (0 for none). */
export function acceptRate(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return 0
  let accepted = 0
  for (const s of scores) if (s >= threshold) accepted++
  return accepted / scores.length
}

/**
 * The lowest threshold on a 1e-4 grid accepting at most `targetFar` of `impostors`: just above
 * the (⌊targetFar·n⌋+1)-th best impostor score, so accepts are strictly fewer than allowed + 1.
 */
export function chooseThreshold(impostors: readonly number[], targetFar: number): number {
  if (impostors.length === 0) throw new RangeError('no impostor scores to fit a threshold on')
  const sorted = [...impostors].sort((a, b) => b - a)
  const allowed = Math.floor(targetFar * sorted.length + 1e-9)
  const firstRejected = sorted[Math.min(allowed, sorted.length - 1)]!
  let threshold = Math.ceil(firstRejected * 1e4) / 1e4
  if (threshold <= firstRejected) threshold += 1e-4 // on the grid already: step above it
  return Number(threshold.toFixed(4))
}

export interface LeaveOneOutScores {
  /** Per item of a label with ≥ 2 items: its best same-label similarity (−∞ when not among its neighbours). */
  readonly genuine: number[]
  /** Per item: its best other-label similarity (bounded by its last neighbour's when a whole label crowds it out). */
  readonly impostor: number[]
}

/** Searches stored vectors against the index (at most `maxQueries` of them, evenly spread); `labels` in position order. */
export async function leaveOneOutScores(index: VectorIndex, labels: readonly string[], maxQueries = MAX_CALIBRATION_QUERIES): Promise<LeaveOneOutScores> {
  const counts = new Map<string, number>()
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1)
  const genuine: number[] = []
  const impostor: number[] = []
  const { dim } = index.spec
  const k = Math.min(NEIGHBOURS, index.size)
  const positions = spreadPositions(index.size, maxQueries)
  for (let start = 0; start < positions.length; start += QUERIES_PER_CALL) {
    const batch = positions.slice(start, start + QUERIES_PER_CALL)
    const queries = new Float32Array(batch.length * dim)
    batch.forEach((position, row) => queries.set(index.vectors.subarray(position * dim, (position + 1) * dim), row * dim))
    const results = await index.search(queries, k)
    results.forEach((hits, row) => {
      const position = batch[row]!
      const label = labels[position]!
      let same = -Infinity
      let other: number | undefined
      let last = -Infinity
      for (const hit of hits) {
        if (hit.position === position) continue
        const s = similarity(index.spec.metric, hit.score)
        last = s
        if (labels[hit.position] === label) same = Math.max(same, s)
        else if (other === undefined) other = s
      }
      if (counts.get(label)! >= 2) genuine.push(same)
      if (counts.size >= 2) impostor.push(other ?? last)
    })
  }
  return { genuine, impostor }
}

/** The calibration of a generation: fitted, or the reason it is not (too small a gallery). */
export async function calibrate(index: VectorIndex, labels: readonly string[], settings: CalibrationSettings, maxQueries = MAX_CALIBRATION_QUERIES): Promise<ScoreCalibration> {
  const labelCount = new Set(labels).size
  const base = { settings, items: labels.length, labels: labelCount }
  if (labelCount < settings.minLabels || labels.length < settings.minItems) {
    const reason = `too small to fit (${labels.length} items, ${labelCount} labels; needs ≥ ${settings.minItems} items and ≥ ${settings.minLabels} labels)`
    return { ...base, threshold: null, far: null, gar: null, impostors: 0, genuines: 0, reason }
  }
  const { genuine, impostor } = await leaveOneOutScores(index, labels, maxQueries)
  const threshold = chooseThreshold(impostor, settings.targetFar)
  const fit = { ...base, threshold, far: acceptRate(impostor, threshold), gar: acceptRate(genuine, threshold), impostors: impostor.length, genuines: genuine.length }
  // Whitening fitted on a few hundred images makes the stored vectors nearly orthogonal (240
  // drink images: a fit of −0.004 accepting no genuine pair): such a threshold separates nothing.
  if (fit.gar < MIN_GAR) {
    return { ...fit, threshold: null, reason: `the fit (${threshold}) accepts only ${(fit.gar * 100).toFixed(1)} % of genuine pairs: this gallery does not separate its labels (too few images for its whitening?)` }
  }
  return fit
}

/** A fit accepting fewer genuine pairs than this is not used (the caller's fixed fallback applies). */
const MIN_GAR = 0.2

export function sameSettings(a: CalibrationSettings, b: CalibrationSettings): boolean {
  return a.targetFar === b.targetFar && a.minLabels === b.minLabels && a.minItems === b.minItems
}

/** One line for logs and reports. */
export function describeCalibration(c: ScoreCalibration): string {
  if (c.threshold === null) return `not fitted: ${c.reason ?? 'unknown reason'}`
  const pct = (x: number | null) => `${((x ?? 0) * 100).toFixed(1)} %`
  return `${c.threshold} at target FAR ${c.settings.targetFar} (impostors accepted ${pct(c.far)} of ${c.impostors}, genuine ${pct(c.gar)} of ${c.genuines})`
}
