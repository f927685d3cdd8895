import { f32 } from './rounding.js'

const A = -0.75

/**
 * OpenCV's interpolateCubic (Keys kernel, a = -0.75) evaluated in float32 exactly as the C++ does,
 * so the fixed-point weights derived from it match cv2.resize / cv2.warpPerspective.
 */
export function cubicWeights(x: number, out: Float64Array): void {
  const xp1 = f32(x + 1)
  let t = f32(A * xp1)
  t = f32(t - 5 * A)
  t = f32(t * xp1)
  t = f32(t + 8 * A)
  t = f32(t * xp1)
  const c0 = f32(t - 4 * A)
  const c1 = f32(f32(f32(f32(f32((A + 2) * x) - (A + 3)) * x) * x) + 1)
  const omx = f32(1 - x)
  const c2 = f32(f32(f32(f32(f32((A + 2) * omx) - (A + 3)) * omx) * omx) + 1)
  out[0] = c0
  out[1] = c1
  out[2] = c2
  out[3] = f32(f32(f32(1 - c0) - c1) - c2)
}
