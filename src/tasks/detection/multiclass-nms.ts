/**
 * Paddle's multiclass_nms3 over decoded candidates (`normalized: true`, so no +1 pixel): per
 * class, scores above `scoreThreshold`, the best `nmsTopK`, greedy NMS at `nmsThreshold`; then
 * the best `keepTopK` over all classes. Class-agnostic mode gives every candidate only its best
 * class and runs one NMS across classes (what a mainbody detector wants from a COCO model).
 *
 * All classes are walked together in one score order. Greedy NMS within a class only looks at
 * that class's better boxes, so the interleaving changes nothing, and the walk can stop as soon
 * as `keepTopK` boxes are kept: everything after them scores lower. That skips most of the work
 * of running every class to the end (dozens of COCO classes with hundreds of weak boxes each).
 */
import { bestFirst } from './best-first.js'
import { boxIou, type Box } from './nms.js'
import type { Candidate } from './picodet-decode.js'

export interface MulticlassNmsParams {
  readonly scoreThreshold: number
  readonly nmsThreshold: number
  readonly nmsTopK: number
  readonly keepTopK: number
  readonly classAgnostic: boolean
}

/** A detection in the candidates' coordinates (model-input pixels). */
export interface ScoredBox {
  readonly classId: number
  readonly score: number
  readonly box: Box
}

interface Entry {
  readonly candidate: number
  readonly classId: number
  readonly score: number
}

/** Every (candidate, class) pair scoring above the threshold; only the best class when class-agnostic. */
function entriesOf(candidates: readonly Candidate[], threshold: number, classAgnostic: boolean): Entry[] {
  const entries: Entry[] = []
  candidates.forEach(({ scores }, candidate) => {
    if (classAgnostic) {
      let best = 0
      for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c
      if (scores[best]! > threshold) entries.push({ candidate, classId: best, score: scores[best]! })
      return
    }
    for (let c = 0; c < scores.length; c++) if (scores[c]! > threshold) entries.push({ candidate, classId: c, score: scores[c]! })
  })
  return entries
}

/** Score order; equal scores: lower class id, then earlier candidate. */
const before = (a: Entry, b: Entry): boolean =>
  a.score > b.score || (a.score === b.score && (a.classId < b.classId || (a.classId === b.classId && a.candidate < b.candidate)))

/** Detections best first (in `before` order), at most `keepTopK`. */
export function multiclassNms(candidates: readonly Candidate[], params: MulticlassNmsParams): ScoredBox[] {
  // Paddle compares float32 scores with a float32 threshold: a score equal to it is dropped.
  const entries = entriesOf(candidates, Math.fround(params.scoreThreshold), params.classAgnostic)
  const next = bestFirst(entries, before)
  const seen = new Map<number, number>()
  const keptBoxes = new Map<number, Box[]>()
  const out: ScoredBox[] = []
  while (out.length < params.keepTopK) {
    const entry = next()
    if (!entry) break
    const { candidate, classId, score } = entry
    const group = params.classAgnostic ? 0 : classId
    const rank = seen.get(group) ?? 0
    seen.set(group, rank + 1)
    if (rank >= params.nmsTopK) continue
    const box = candidates[candidate]!.box
    const kept = keptBoxes.get(group) ?? []
    if (kept.some((other) => boxIou(other, box) > params.nmsThreshold)) continue
    kept.push(box)
    keptBoxes.set(group, kept)
    out.push({ classId, score, box })
  }
  return out
}
