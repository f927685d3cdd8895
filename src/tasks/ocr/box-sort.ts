/**
 * Reading order as PaddleOCR's `sorted_boxes`: sort by the top-left corner (y, then x), then let a
 * box move left past its predecessors while their tops differ by less than 10 px (same line).
 */
import type { Quad } from '../../vision/image.js'

const SAME_LINE_PX = 10

export function sortBoxesReadingOrder<T extends { readonly quad: Quad }>(boxes: readonly T[]): T[] {
  const sorted = [...boxes].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0])
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const current = sorted[j]!
      const next = sorted[j + 1]!
      if (Math.abs(next.quad[0][1] - current.quad[0][1]) < SAME_LINE_PX && next.quad[0][0] < current.quad[0][0]) {
        sorted[j] = next
        sorted[j + 1] = current
      } else {
        break
      }
    }
  }
  return sorted
}
