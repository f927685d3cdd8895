import { convexHullIndices } from './convex-hull.js'
import type { Point } from './image.js'
import { f32 } from './rounding.js'

/**
 * cv2.minAreaRect followed by cv2.boxPoints, as OpenCV 4.5.4 to 4.12 compute them (angle in
 * (0, 90]; 4.13 renormalises to [-90, 0)). Rotating calipers over the convex hull in float32,
 * step for step: PaddleOCR truncates these corners to integers later, so a corner at 9.9999995
 * instead of 10 changes the output box.
 */
export interface RotatedRect {
  readonly center: Point
  /** Side lengths as OpenCV reports them (width along the angle's direction). */
  readonly width: number
  readonly height: number
  /** Degrees, as cv2.minAreaRect returns it. */
  readonly angle: number
  /** cv2.boxPoints order. */
  readonly corners: [Point, Point, Point, Point]
}

export function minAreaRect(points: readonly Point[]): RotatedRect {
  if (points.length === 0) throw new RangeError('minAreaRect needs at least one point')
  const hull = convexHullIndices(points, false) // OpenCV forces this orientation since 4.5.1
  const n = hull.length
  const hx = new Float64Array(n)
  const hy = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    hx[i] = f32(points[hull[i]][0])
    hy[i] = f32(points[hull[i]][1])
  }
  let cx = hx[0]
  let cy = hy[0]
  let width = 0
  let height = 0
  let angle = 0
  if (n > 2) {
    const [px, py, v1x, v1y, v2x, v2y] = rotatingCalipers(hx, hy)
    cx = f32(px + f32(f32(v1x + v2x) * 0.5))
    cy = f32(py + f32(f32(v1y + v2y) * 0.5))
    width = f32(Math.sqrt(v1x * v1x + v1y * v1y))
    height = f32(Math.sqrt(v2x * v2x + v2y * v2y))
    angle = f32(Math.atan2(v1y, v1x))
  } else if (n === 2) {
    cx = f32(f32(hx[0] + hx[1]) * 0.5)
    cy = f32(f32(hy[0] + hy[1]) * 0.5)
    const dx = f32(hx[1] - hx[0])
    const dy = f32(hy[1] - hy[0])
    width = f32(Math.sqrt(dx * dx + dy * dy))
    angle = f32(Math.atan2(dy, dx))
  }
  angle = f32(f32(angle * 180) / Math.PI)
  return { center: [cx, cy], width, height, angle, corners: boxPoints(cx, cy, width, height, angle) }
}

/** RotatedRect::points in float32. */
function boxPoints(cx: number, cy: number, w: number, h: number, angleDeg: number): [Point, Point, Point, Point] {
  const rad = (angleDeg * Math.PI) / 180
  const b = f32(f32(Math.cos(rad)) * 0.5)
  const a = f32(f32(Math.sin(rad)) * 0.5)
  const p0x = f32(f32(cx - f32(a * h)) - f32(b * w))
  const p0y = f32(f32(cy + f32(b * h)) - f32(a * w))
  const p1x = f32(f32(cx + f32(a * h)) - f32(b * w))
  const p1y = f32(f32(cy - f32(b * h)) - f32(a * w))
  const p2x = f32(f32(2 * cx) - p0x)
  const p2y = f32(f32(2 * cy) - p0y)
  const p3x = f32(f32(2 * cx) - p1x)
  const p3y = f32(f32(2 * cy) - p1y)
  return [
    [p0x, p0y],
    [p1x, p1y],
    [p2x, p2y],
    [p3x, p3y],
  ]
}

/**
 * OpenCV's rotatingCalipers(CALIPERS_MINAREARECT) over float32 hull vertices. Returns the corner
 * and the two side vectors: [x, y, v1x, v1y, v2x, v2y].
 */
function rotatingCalipers(px: Float64Array, py: Float64Array): number[] {
  // Kept from OpenCV: a first base vector of (orientation, 0); with the hull order above it is +1.
  const n = px.length
  const vx = new Float64Array(n)
  const vy = new Float64Array(n)
  const invLen = new Float64Array(n)
  let left = 0, bottom = 0, right = 0, top = 0
  let leftX = px[0], rightX = px[0], topY = py[0], bottomY = py[0]
  for (let i = 0; i < n; i++) {
    if (px[i] < leftX) (leftX = px[i]), (left = i)
    if (px[i] > rightX) (rightX = px[i]), (right = i)
    if (py[i] > topY) (topY = py[i]), (top = i)
    if (py[i] < bottomY) (bottomY = py[i]), (bottom = i)
    const j = i + 1 < n ? i + 1 : 0
    const dx = f32(px[j] - px[i])
    const dy = f32(py[j] - py[i])
    vx[i] = dx
    vy[i] = dy
    invLen[i] = f32(1 / Math.sqrt(dx * dx + dy * dy))
  }
  let orientation = 0
  for (let i = 0, ax = vx[n - 1], ay = vy[n - 1]; i < n; i++) {
    const convexity = ax * vy[i] - ay * vx[i]
    if (convexity !== 0) {
      orientation = convexity > 0 ? 1 : -1
      break
    }
    ax = vx[i]
    ay = vy[i]
  }
  if (orientation === 0) throw new RangeError('minAreaRect: hull is degenerate')
  let baseA = orientation
  let baseB = 0
  const seq = [bottom, right, top, left]
  let minArea = 3.4028234663852886e38 // FLT_MAX
  let best = { left: 0, bottom: 0, a: 0, b: 0, width: 0, height: 0 }
  const rx = new Float64Array(4)
  const ry = new Float64Array(4)
  for (let k = 0; k < n; k++) {
    // Pick the caliper whose next hull edge turns least, by dot-product sign (OpenCV >= 4.5.4):
    // each caliper's edge rotated into the first caliper's frame.
    rx.set([vx[seq[0]], vy[seq[1]], -vx[seq[2]], -vy[seq[3]]])
    ry.set([vy[seq[0]], -vx[seq[1]], -vy[seq[2]], vx[seq[3]]])
    let main = 0
    for (let i = 1; i < 4; i++) {
      // firstVecIsRight(rot[i], rot[main]): rotate90CW(rot[i]) . rot[main] < 0
      if (f32(f32(ry[i] * rx[main]) + f32(-rx[i] * ry[main])) < 0) main = i
    }
    const p = seq[main]
    const leadX = f32(vx[p] * invLen[p])
    const leadY = f32(vy[p] * invLen[p])
    if (main === 0) (baseA = leadX), (baseB = leadY)
    else if (main === 1) (baseA = leadY), (baseB = -leadX)
    else if (main === 2) (baseA = -leadX), (baseB = -leadY)
    else (baseA = -leadY), (baseB = leadX)
    seq[main] = seq[main] + 1 === n ? 0 : seq[main] + 1

    let dx = f32(px[seq[1]] - px[seq[3]])
    let dy = f32(py[seq[1]] - py[seq[3]])
    const width = f32(f32(dx * baseA) + f32(dy * baseB))
    dx = f32(px[seq[2]] - px[seq[0]])
    dy = f32(py[seq[2]] - py[seq[0]])
    const height = f32(f32(-dx * baseB) + f32(dy * baseA))
    const area = f32(width * height)
    if (area <= minArea) {
      minArea = area
      best = { left: seq[3], bottom: seq[0], a: baseA, b: baseB, width, height }
    }
  }
  const a1 = best.a, b1 = best.b, a2 = -best.b, b2 = best.a
  const c1 = f32(f32(a1 * px[best.left]) + f32(py[best.left] * b1))
  const c2 = f32(f32(a2 * px[best.bottom]) + f32(py[best.bottom] * b2))
  const idet = f32(1 / f32(f32(a1 * b2) - f32(a2 * b1)))
  const x = f32(f32(f32(c1 * b2) - f32(c2 * b1)) * idet)
  const y = f32(f32(f32(a1 * c2) - f32(a2 * c1)) * idet)
  return [x, y, f32(a1 * best.width), f32(b1 * best.width), f32(a2 * best.height), f32(b2 * best.height)]
}
