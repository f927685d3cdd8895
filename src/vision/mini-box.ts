import type { Point, Quad } from './image.js'
import { minAreaRect } from './min-area-rect.js'

/**
 * PaddleOCR's DBPostProcess.get_mini_boxes: the min-area rectangle's corners ordered
 * top-left, top-right, bottom-right, bottom-left, and its shorter side.
 */
export interface MiniBox {
  readonly box: Quad
  readonly shortSide: number
}

export function miniBox(points: readonly Point[]): MiniBox {
  const rect = minAreaRect(points)
  // Python's sorted() is stable, and so is Array.prototype.sort: ties keep boxPoints order.
  const p = rect.corners.slice().sort((a, b) => a[0] - b[0])
  // Strict comparisons as in PaddleOCR: on equal y the second point becomes the top one.
  const [i1, i4] = p[1][1] > p[0][1] ? [0, 1] : [1, 0]
  const [i2, i3] = p[3][1] > p[2][1] ? [2, 3] : [3, 2]
  return { box: [p[i1], p[i2], p[i3], p[i4]], shortSide: Math.min(rect.width, rect.height) }
}
