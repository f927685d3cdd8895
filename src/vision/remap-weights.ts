import { cubicWeights } from './cubic-weights.js'
import { clampShort, f32, roundHalfEven } from './rounding.js'

/**
 * OpenCV's fixed-point interpolation tables for cv::remap / warpPerspective on 8-bit images:
 * source positions are quantised to 1/32 pixel and each of the 32x32 sub-pixel cells has 15-bit
 * integer weights (initInterTab2D), including OpenCV's fix-up so the weights sum to 32768.
 */
export const INTER_BITS = 5
export const INTER_TAB_SIZE = 32
export const REMAP_COEF_SCALE = 32768

let bilinear: Int32Array | undefined
let bicubic: Int32Array | undefined

/** 1024 cells x 4 weights (top-left, top-right, bottom-left, bottom-right). */
export function bilinearTable(): Int32Array {
  bilinear ??= buildTable(2)
  return bilinear
}

/** 1024 cells x 16 weights (4 rows of 4 taps, from (x-1, y-1)). */
export function bicubicTable(): Int32Array {
  bicubic ??= buildTable(4)
  return bicubic
}

function buildTable(ksize: 2 | 4): Int32Array {
  const one = new Float64Array(INTER_TAB_SIZE * ksize)
  const tmp = new Float64Array(4)
  const scale = f32(1 / INTER_TAB_SIZE)
  for (let i = 0; i < INTER_TAB_SIZE; i++) {
    const x = f32(i * scale)
    if (ksize === 2) {
      one[i * 2] = f32(1 - x)
      one[i * 2 + 1] = x
    } else {
      cubicWeights(x, tmp)
      one.set(tmp, i * 4)
    }
  }
  const kk = ksize * ksize
  const table = new Int32Array(INTER_TAB_SIZE * INTER_TAB_SIZE * kk)
  for (let i = 0; i < INTER_TAB_SIZE; i++) {
    for (let j = 0; j < INTER_TAB_SIZE; j++) {
      const base = (i * INTER_TAB_SIZE + j) * kk
      let sum = 0
      for (let k1 = 0; k1 < ksize; k1++) {
        for (let k2 = 0; k2 < ksize; k2++) {
          const v = f32(one[i * ksize + k1] * one[j * ksize + k2])
          const w = clampShort(roundHalfEven(v * REMAP_COEF_SCALE))
          table[base + k1 * ksize + k2] = w
          sum += w
        }
      }
      if (sum !== REMAP_COEF_SCALE) fixSum(table, base, ksize, sum - REMAP_COEF_SCALE)
    }
  }
  return table
}

/** initInterTab2D's correction, including its choice of which taps it looks at. */
function fixSum(t: Int32Array, base: number, ksize: number, diff: number): void {
  const k2 = ksize >> 1
  let minAt = base + k2 * ksize + k2
  let maxAt = minAt
  for (let r = k2; r < k2 + 2; r++) {
    for (let c = k2; c < k2 + 2; c++) {
      const at = base + r * ksize + c
      if (t[at] < t[minAt]) minAt = at
      else if (t[at] > t[maxAt]) maxAt = at
    }
  }
  if (diff < 0) t[maxAt] -= diff
  else t[minAt] -= diff
}
