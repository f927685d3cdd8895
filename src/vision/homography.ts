import { InvalidInput } from '../engine/errors.js'
import type { Quad } from './image.js'
import { f32 } from './rounding.js'

/**
 * cv2.getPerspectiveTransform(src, dst): the 3x3 matrix (row-major, m[8] = 1) mapping src to dst,
 * from the same 8x8 system (float32 products) solved by the same Gaussian elimination.
 */
export function perspectiveTransform(src: Quad, dst: Quad): Float64Array {
  const a = new Float64Array(64)
  const b = new Float64Array(8)
  for (let i = 0; i < 4; i++) {
    const sx = f32(src[i][0]), sy = f32(src[i][1])
    const dx = f32(dst[i][0]), dy = f32(dst[i][1])
    a.set([sx, sy, 1, 0, 0, 0, f32(-sx * dx), f32(-sy * dx)], i * 8)
    a.set([0, 0, 0, sx, sy, 1, f32(-sx * dy), f32(-sy * dy)], (i + 4) * 8)
    b[i] = dx
    b[i + 4] = dy
  }
  if (!solveLu(a, b, 8)) throw new InvalidInput('quad is degenerate: no perspective transform maps it')
  const m = new Float64Array(9)
  m.set(b)
  m[8] = 1
  return m
}

/** cv::invert for a 3x3 double matrix (the closed-form path OpenCV takes for n <= 3). */
export function invert3x3(m: Float64Array): Float64Array {
  const det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  if (det === 0) throw new InvalidInput('perspective transform is singular')
  const d = 1 / det
  return Float64Array.of(
    (m[4] * m[8] - m[5] * m[7]) * d,
    (m[2] * m[7] - m[1] * m[8]) * d,
    (m[1] * m[5] - m[2] * m[4]) * d,
    (m[5] * m[6] - m[3] * m[8]) * d,
    (m[0] * m[8] - m[2] * m[6]) * d,
    (m[2] * m[3] - m[0] * m[5]) * d,
    (m[3] * m[7] - m[4] * m[6]) * d,
    (m[1] * m[6] - m[0] * m[7]) * d,
    (m[0] * m[4] - m[1] * m[3]) * d,
  )
}

/** OpenCV's LUImpl: Gaussian elimination with partial pivoting; solves in place into b. */
function solveLu(a: Float64Array, b: Float64Array, n: number): boolean {
  const eps = 2.220446049250313e-16 * 100
  for (let i = 0; i < n; i++) {
    let k = i
    for (let j = i + 1; j < n; j++) if (Math.abs(a[j * n + i]) > Math.abs(a[k * n + i])) k = j
    if (Math.abs(a[k * n + i]) < eps) return false
    if (k !== i) {
      for (let j = i; j < n; j++) [a[i * n + j], a[k * n + j]] = [a[k * n + j], a[i * n + j]]
      ;[b[i], b[k]] = [b[k], b[i]]
    }
    const d = -1 / a[i * n + i]
    for (let j = i + 1; j < n; j++) {
      const alpha = a[j * n + i] * d
      for (let c = i + 1; c < n; c++) a[j * n + c] += alpha * a[i * n + c]
      b[j] += alpha * b[i]
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]
    for (let c = i + 1; c < n; c++) s -= a[i * n + c] * b[c]
    b[i] = s / a[i * n + i]
  }
  return true
}
