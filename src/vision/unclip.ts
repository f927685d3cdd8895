import type { Point } from './image.js'
import { polygonArea, polygonPerimeter } from './polygon.js'
import { offsetClosedPolygonRound } from './polygon-offset.js'

/**
 * PaddleOCR's DBPostProcess.unclip: grow the polygon by area * ratio / perimeter with round
 * joins (pyclipper, which truncates coordinates to integers first) and return the points of every
 * resulting path concatenated, as PaddleOCR reshapes them into one list. A polygon with no
 * perimeter has nothing to grow and yields no points.
 */
export function unclipPolygon(points: readonly Point[], ratio: number): Point[] {
  const perimeter = polygonPerimeter(points)
  if (perimeter === 0) return []
  const distance = (polygonArea(points) * ratio) / perimeter
  const path = points.map(([x, y]) => ({ X: Math.trunc(x), Y: Math.trunc(y) }))
  const out: Point[] = []
  for (const poly of offsetClosedPolygonRound(path, distance)) {
    for (const p of poly) out.push([p.X, p.Y])
  }
  return out
}
