import ClipperLib from 'clipper-lib'

/**
 * ClipperOffset (Clipper 6.4.2, as bundled by pyclipper) for one closed polygon with round joins:
 * offset each vertex, then let Clipper union the result. The offsetting is ported rather than taken
 * from clipper-lib because the JS port lacks the C++ "excessive precision" cap on arc steps
 * (steps <= |delta| * pi), which changes the polygon for the small distances text boxes use.
 */
export interface IntPoint {
  X: number
  Y: number
}

const DEFAULT_ARC_TOLERANCE = 0.25

export function offsetClosedPolygonRound(path: readonly IntPoint[], delta: number, arcTolerance = DEFAULT_ARC_TOLERANCE): IntPoint[][] {
  const src = stripDuplicates(path)
  if (src.length < 3) return [] // AddPath drops closed paths with fewer than 3 distinct points
  if (area(src) < 0) src.reverse() // FixOrientations
  if (delta < 0) throw new RangeError('offsetClosedPolygonRound supports growing only (delta >= 0)')
  const offset = Math.abs(delta) < 1e-20 ? src : offsetRound(src, delta, arcTolerance)
  const clipper = new ClipperLib.Clipper(0)
  clipper.AddPaths([offset], ClipperLib.PolyType.ptSubject, true)
  const solution: IntPoint[][] = []
  clipper.Execute(ClipperLib.ClipType.ctUnion, solution, ClipperLib.PolyFillType.pftPositive, ClipperLib.PolyFillType.pftPositive)
  return solution
}

/** Clipper's Round: half away from zero. */
function round(v: number): number {
  return v < 0 ? Math.trunc(v - 0.5) : Math.trunc(v + 0.5)
}

function stripDuplicates(path: readonly IntPoint[]): IntPoint[] {
  let high = path.length - 1
  if (high < 0) return []
  while (high > 0 && same(path[0], path[high])) high--
  const out = [{ X: path[0].X, Y: path[0].Y }]
  for (let i = 1; i <= high; i++) {
    if (!same(out[out.length - 1], path[i])) out.push({ X: path[i].X, Y: path[i].Y })
  }
  return out
}

function same(a: IntPoint, b: IntPoint): boolean {
  return a.X === b.X && a.Y === b.Y
}

function area(poly: readonly IntPoint[]): number {
  let a = 0
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    a += (poly[j].X + poly[i].X) * (poly[j].Y - poly[i].Y)
  }
  return -a * 0.5
}

function offsetRound(src: readonly IntPoint[], delta: number, arcTolerance: number): IntPoint[] {
  const absDelta = Math.abs(delta)
  const y =
    arcTolerance <= 0
      ? DEFAULT_ARC_TOLERANCE
      : arcTolerance > absDelta * DEFAULT_ARC_TOLERANCE
        ? absDelta * DEFAULT_ARC_TOLERANCE
        : arcTolerance
  let steps = Math.PI / Math.acos(1 - y / absDelta)
  if (steps > absDelta * Math.PI) steps = absDelta * Math.PI // the C++ precision cap
  const sin = Math.sin((2 * Math.PI) / steps)
  const cos = Math.cos((2 * Math.PI) / steps)
  const stepsPerRad = steps / (2 * Math.PI)

  const len = src.length
  const nx = new Float64Array(len)
  const ny = new Float64Array(len)
  for (let j = 0; j < len; j++) {
    const a = src[j]
    const b = src[j + 1 < len ? j + 1 : 0]
    if (same(a, b)) continue
    const dx = b.X - a.X
    const dy = b.Y - a.Y
    const f = (1 * 1.0) / Math.sqrt(dx * dx + dy * dy)
    nx[j] = dy * f
    ny[j] = -(dx * f)
  }
  const out: IntPoint[] = []
  const push = (j: number, ux: number, uy: number): void => {
    out.push({ X: round(src[j].X + ux * delta), Y: round(src[j].Y + uy * delta) })
  }
  let k = len - 1
  for (let j = 0; j < len; j++) {
    let sinA = nx[k] * ny[j] - nx[j] * ny[k]
    if (Math.abs(sinA * delta) < 1.0) {
      const cosA = nx[k] * nx[j] + ny[j] * ny[k]
      if (cosA > 0) {
        push(j, nx[k], ny[k]) // nearly straight: one point, and k is deliberately not advanced
        continue
      }
    } else if (sinA > 1.0) sinA = 1.0
    else if (sinA < -1.0) sinA = -1.0

    if (sinA * delta < 0) {
      push(j, nx[k], ny[k])
      out.push({ X: src[j].X, Y: src[j].Y })
      push(j, nx[j], ny[j])
    } else {
      // DoRound
      const a = Math.atan2(sinA, nx[k] * nx[j] + ny[k] * ny[j])
      const n = Math.max(round(stepsPerRad * Math.abs(a)), 1)
      let x = nx[k]
      let yv = ny[k]
      for (let i = 0; i < n; i++) {
        push(j, x, yv)
        const x2 = x
        x = x * cos - sin * yv
        yv = x2 * sin + yv * cos
      }
      push(j, nx[j], ny[j])
    }
    k = j
  }
  return out
}
