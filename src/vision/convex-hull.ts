import type { Point } from './image.js'

/**
 * Convex hull by Andrew's monotone chain, returned as indices into `points` in the order
 * cv2.convexHull(points, clockwise) gives them: collinear points dropped; `clockwise` in OpenCV's
 * sense (y up), so on screen (y down) true runs left, bottom, right, top and false runs right,
 * bottom, left, top; starting at the left-most (true) or right-most (false) point, then rotated
 * so the indices run monotonically when they can (OpenCV's final cyclic shift). minAreaRect
 * depends on this order when several rectangles tie for the smallest area.
 */
export function convexHullIndices(points: readonly Point[], clockwise = true): number[] {
  const n = points.length
  if (n === 0) return []
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1] || a - b)
  const first = points[order[0]]
  const last = points[order[n - 1]]
  if (first[0] === last[0] && first[1] === last[1]) return [order[0]]

  const lower = chain(points, order)
  const upper = chain(points, order.slice().reverse())
  // Clockwise on screen, from the left-most point; the right-most one sits where `lower` ends.
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1))
  const opencvOrder = clockwise
    ? [hull[0], ...hull.slice(1).reverse()]
    : [...hull.slice(lower.length - 1), ...hull.slice(0, lower.length - 1)]
  return cyclicShiftLikeOpenCv(opencvOrder)
}

/** The hull's points, in the order of convexHullIndices. */
export function convexHull(points: readonly Point[], clockwise = true): Point[] {
  return convexHullIndices(points, clockwise).map((i) => points[i])
}

function chain(points: readonly Point[], order: readonly number[]): number[] {
  const out: number[] = []
  for (const i of order) {
    const p = points[i]
    while (out.length >= 2) {
      const a = points[out[out.length - 2]]
      const b = points[out[out.length - 1]]
      const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
      if (cross > 0) break
      out.pop()
    }
    out.push(i)
  }
  return out
}

/** The tail of cv::convexHull: make the index sequence ascending or descending by rotation. */
function cyclicShiftLikeOpenCv(hull: number[]): number[] {
  const n = hull.length
  if (n < 3) return hull
  let minIdx = 0
  let maxIdx = 0
  let lt = 0
  for (let i = 1; i < n; i++) {
    const idx = hull[i]
    if (hull[i - 1] < idx) lt++
    if (lt > 1 && lt <= i - 2) break
    if (idx < hull[minIdx]) minIdx = i
    if (idx > hull[maxIdx]) maxIdx = i
  }
  const mmdist = Math.abs(maxIdx - minIdx)
  if (!((mmdist === 1 || mmdist === n - 1) && (lt <= 1 || lt >= n - 2))) return hull
  const ascending = (maxIdx + 1) % n === minIdx
  const i0 = ascending ? minIdx : maxIdx
  if (i0 === 0) return hull
  const shifted = new Array<number>(n)
  let j = i0
  for (let i = 0; i < n; i++) {
    const cur = (shifted[i] = hull[j])
    const nextJ = j + 1 < n ? j + 1 : 0
    if (i < n - 1 && ascending !== cur < hull[nextJ]) return hull
    j = nextJ
  }
  return shifted
}
