import { fillPolygon } from './fill-poly.js'
import type { Point } from './image.js'
import { f32 } from './rounding.js'

/**
 * Absolute area of a simple polygon (implicitly closed). Uses GEOS's shoelace variant (x shifted
 * by the first vertex) because PaddleOCR's unclip distance comes from shapely's Polygon.area.
 */
export function polygonArea(points: readonly Point[]): number {
  const n = points.length
  if (n < 3) return 0
  const x0 = points[0][0]
  let sum = 0
  for (let i = 1; i < n; i++) {
    const next = points[i + 1 < n ? i + 1 : 0]
    sum += (points[i][0] - x0) * (points[i - 1][1] - next[1])
  }
  return Math.abs(sum / 2)
}

/** Perimeter of the closed polygon (shapely's Polygon.length). */
export function polygonPerimeter(points: readonly Point[]): number {
  const n = points.length
  let length = 0
  for (let i = 1; i <= n; i++) {
    const a = points[i - 1]
    const b = points[i === n ? 0 : i]
    const dx = b[0] - a[0]
    const dy = b[1] - a[1]
    length += Math.sqrt(dx * dx + dy * dy)
  }
  return n > 1 ? length : 0
}

/**
 * PaddleOCR's box_score_fast: the mean of `map` over the polygon, rasterised like
 * cv2.fillPoly(mask, pts.astype(int32), 1) (boundary pixels included) inside the polygon's
 * clipped bounding box. Coordinates are treated as float32, like the numpy box PaddleOCR uses.
 */
export function meanInsidePolygon(map: Float32Array, width: number, height: number, polygon: readonly Point[]): number {
  if (polygon.length === 0) return 0
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x)
    maxX = Math.max(maxX, x)
    minY = Math.min(minY, y)
    maxY = Math.max(maxY, y)
  }
  const xmin = clip(Math.floor(minX), width - 1)
  const xmax = clip(Math.ceil(maxX), width - 1)
  const ymin = clip(Math.floor(minY), height - 1)
  const ymax = clip(Math.ceil(maxY), height - 1)
  const mw = xmax - xmin + 1
  const mh = ymax - ymin + 1
  const mask = new Uint8Array(mw * mh)
  const shifted = polygon.map(([x, y]): Point => [Math.trunc(f32(x - xmin)), Math.trunc(f32(y - ymin))])
  fillPolygon(mask, mw, mh, shifted, 1)
  let sum = 0
  let count = 0
  for (let r = 0; r < mh; r++) {
    const m = r * mw
    const s = (ymin + r) * width + xmin
    for (let c = 0; c < mw; c++) {
      if (mask[m + c] !== 0) {
        sum += map[s + c]
        count++
      }
    }
  }
  // cv::mean multiplies by the reciprocal of the count.
  return count > 0 ? sum * (1 / count) : 0
}

function clip(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v
}
