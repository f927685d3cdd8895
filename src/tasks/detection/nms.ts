/**
 * Axis-aligned boxes, IoU and greedy hard NMS. Two area conventions exist in the Paddle code we
 * replace: PaddleDetection's multiclass_nms3 with `normalized: true` (width = x2 − x1), and
 * PaddleClas's `nms_to_rec_results` for PP-ShiTu's rec_nms step (width = x2 − x1 + 1, the old
 * integer-pixel convention). `plusOne` picks the latter.
 */

/** `[x1, y1, x2, y2]`, x to the right and y down, in pixels. */
export type Box = readonly [x1: number, y1: number, x2: number, y2: number]

export interface NmsOptions {
  /** A box is suppressed when its IoU with a kept, better box is above this. */
  readonly iouThreshold: number
  /** Areas and intersections count `x2 − x1 + 1` pixels (PaddleClas rec_nms). Default false. */
  readonly plusOne?: boolean
  /** Stop after this many kept boxes (default: no limit). */
  readonly maxKept?: number
}

export function boxArea(box: Box, plusOne = false): number {
  const offset = plusOne ? 1 : 0
  const w = box[2] - box[0] + offset
  const h = box[3] - box[1] + offset
  return w > 0 && h > 0 ? w * h : 0
}

/** Intersection over union; 0 for disjoint boxes and for a zero union. */
export function boxIou(a: Box, b: Box, plusOne = false): number {
  const offset = plusOne ? 1 : 0
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + offset
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + offset
  if (w <= 0 || h <= 0) return 0
  const inter = w * h
  const union = boxArea(a, plusOne) + boxArea(b, plusOne) - inter
  return union > 0 ? inter / union : 0
}

/**
 * Greedy NMS: visit boxes by score, best first (equal scores keep their input order, like
 * Paddle's stable sort), keep a box unless it overlaps a kept one by more than the threshold.
 * Returns the kept indices, best first. (The IoU is boxIou's, inlined over flat arrays: this
 * loop is most of a detector's post-processing time.)
 */
export function nms(boxes: readonly Box[], scores: ArrayLike<number>, options: NmsOptions): number[] {
  const n = boxes.length
  if (scores.length !== n) throw new RangeError(`nms: ${n} boxes but ${scores.length} scores`)
  const { iouThreshold, plusOne = false, maxKept = Infinity } = options
  const offset = plusOne ? 1 : 0
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  const x1 = new Float64Array(n)
  const y1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const y2 = new Float64Array(n)
  const area = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const box = boxes[i]!
    x1[i] = box[0]
    y1[i] = box[1]
    x2[i] = box[2]
    y2[i] = box[3]
    area[i] = boxArea(box, plusOne)
  }
  const kept: number[] = []
  candidates: for (const i of order) {
    if (kept.length >= maxKept) break
    for (const k of kept) {
      const w = Math.min(x2[i]!, x2[k]!) - Math.max(x1[i]!, x1[k]!) + offset
      const h = Math.min(y2[i]!, y2[k]!) - Math.max(y1[i]!, y1[k]!) + offset
      if (w <= 0 || h <= 0) continue
      const inter = w * h
      const union = area[i]! + area[k]! - inter
      if (union > 0 && inter / union > iouThreshold) continue candidates
    }
    kept.push(i)
  }
  return kept
}
