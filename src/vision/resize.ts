import { cubicWeights } from './cubic-weights.js'
import type { Image } from './image.js'
import { createImage } from './image.js'
import { clampByte, clampShort, f32, roundHalfEven } from './rounding.js'

/**
 * cv2.resize for 8-bit images, reproduced bit for bit: OpenCV's uint8 path is fixed point (11-bit
 * weights, a row pass then a column pass), so a float implementation would differ by one level
 * on many pixels and shift the model input. Bicubic matches OpenCV's own code; opencv-python
 * wheels hand 8-bit bicubic to Intel IPP instead, which differs by one level on a few percent of
 * pixels and cannot be reproduced here.
 */
export type ResizeKernel = 'bilinear' | 'nearest' | 'bicubic'

const COEF_SCALE = 2048 // INTER_RESIZE_COEF_SCALE

/** A rectangle of the resized image: only its pixels are computed (a resize then a crop, fused). */
export interface ResizeWindow {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/**
 * cv2.resize to `width × height`; with `window`, only that part of the result, pixel for pixel
 * what cropping the full result would give (each output pixel depends only on its own taps).
 */
export function resizeImage(img: Image, width: number, height: number, kernel: ResizeKernel, window?: ResizeWindow): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizeImage: target size must be positive integers, got ${width}x${height}`)
  }
  const win = window ?? { x: 0, y: 0, width, height }
  const inside = win.x >= 0 && win.y >= 0 && win.width >= 1 && win.height >= 1 && win.x + win.width <= width && win.y + win.height <= height
  if (!inside || ![win.x, win.y, win.width, win.height].every(Number.isInteger)) {
    throw new RangeError(`resizeImage: window ${JSON.stringify(win)} is not inside the ${width}x${height} result`)
  }
  const out = createImage(win.width, win.height, img.channels, img.order)
  if (width === img.width && height === img.height) {
    copyWindow(img, win, out) // cv2.resize copies when the size is unchanged
    return out
  }
  if (kernel === 'nearest') resizeNearest(img, width, height, win, out)
  else resizeSeparable(img, width, height, win, out, kernel === 'bicubic' ? 4 : 2)
  return out
}

function copyWindow(img: Image, win: ResizeWindow, out: Image): void {
  const cn = img.channels
  const rowBytes = win.width * cn
  for (let r = 0; r < win.height; r++) {
    const s = ((win.y + r) * img.width + win.x) * cn
    out.data.set(img.data.subarray(s, s + rowBytes), r * rowBytes)
  }
}

function resizeNearest(img: Image, width: number, height: number, win: ResizeWindow, out: Image): void {
  const cn = img.channels
  const ifx = 1 / (width / img.width)
  const ify = 1 / (height / img.height)
  const xofs = new Int32Array(out.width)
  for (let x = 0; x < out.width; x++) xofs[x] = Math.min(Math.floor((x + win.x) * ifx), img.width - 1) * cn
  const src = img.data
  const dst = out.data
  let o = 0
  for (let y = 0; y < out.height; y++) {
    const row = Math.min(Math.floor((y + win.y) * ify), img.height - 1) * img.width * cn
    for (let x = 0; x < out.width; x++) {
      const s = row + xofs[x]
      for (let c = 0; c < cn; c++) dst[o++] = src[s + c]
    }
  }
}

/** Source taps (clamped indices) and 11-bit weights for every destination index along one axis. */
interface AxisTaps {
  readonly index: Int32Array
  readonly weight: Int32Array
}

/**
 * Taps of destination indices `from` .. `from + count - 1` only: a resize fused with a small crop
 * of a huge target (resize_short on a 10000×4 image) needs tables the size of the crop, not of the
 * target. Each index's taps depend on that index alone, so the values are the same.
 */
function axisTaps(srcLen: number, dstLen: number, ksize: 2 | 4, resetAtBorder: boolean, from: number, count: number): AxisTaps {
  const scale = 1 / (dstLen / srcLen)
  const index = new Int32Array(count * ksize)
  const weight = new Int32Array(count * ksize)
  const cbuf = new Float64Array(4)
  for (let j = 0; j < count; j++) {
    const d = from + j
    let f = f32((d + 0.5) * scale - 0.5)
    let s = Math.floor(f)
    f = f32(f - s)
    // OpenCV pins the bilinear x fraction at the borders; rows keep theirs and only clamp (below).
    if (resetAtBorder && (s < 0 || s >= srcLen - 1)) {
      s = s < 0 ? 0 : srcLen - 1
      f = 0
    }
    if (ksize === 2) {
      cbuf[0] = f32(1 - f)
      cbuf[1] = f
    } else {
      cubicWeights(f, cbuf)
    }
    const first = s - (ksize === 4 ? 1 : 0)
    for (let k = 0; k < ksize; k++) {
      const i = first + k
      index[j * ksize + k] = i < 0 ? 0 : i >= srcLen ? srcLen - 1 : i
      weight[j * ksize + k] = clampShort(roundHalfEven(cbuf[k] * COEF_SCALE))
    }
  }
  return { index, weight }
}

function resizeSeparable(img: Image, width: number, height: number, win: ResizeWindow, out: Image, ksize: 2 | 4): void {
  const cn = img.channels
  const rowLen = out.width * cn
  const xt = axisTaps(img.width, width, ksize, ksize === 2, win.x, win.width)
  const yt = axisTaps(img.height, height, ksize, false, win.y, win.height)
  // Tap offsets in bytes within a source row; weights are shared by the channels of a pixel.
  const xOff = xt.index.map((i) => i * cn)
  const rowBytes = img.width * cn
  const cache = new RowCache(ksize, rowLen, (sy, buf) => {
    if (ksize === 2) horizontalLinear(img.data, sy * rowBytes, cn, xOff, xt.weight, buf)
    else horizontalCubic(img.data, sy * rowBytes, cn, xOff, xt.weight, buf)
  })
  const rows: Int32Array[] = [xOff, xOff, xOff, xOff] // placeholders, replaced by fetch
  const dst = out.data
  const b = yt.weight
  for (let dy = 0; dy < out.height; dy++) {
    cache.fetch(yt.index.subarray(dy * ksize, dy * ksize + ksize), rows)
    const o = dy * rowLen
    if (ksize === 2) verticalLinear(rows[0], rows[1], b[dy * 2], b[dy * 2 + 1], dst, o, rowLen)
    else verticalCubic(rows, b, dy * 4, dst, o, rowLen)
  }
}

function horizontalLinear(src: Uint8Array, base: number, cn: number, off: Int32Array, w: Int32Array, out: Int32Array): void {
  const n = off.length >> 1
  if (cn === 3) {
    for (let dx = 0, k = 0; dx < n; dx++, k += 3) {
      const p = base + off[2 * dx], q = base + off[2 * dx + 1]
      const a = w[2 * dx], c = w[2 * dx + 1]
      out[k] = src[p] * a + src[q] * c
      out[k + 1] = src[p + 1] * a + src[q + 1] * c
      out[k + 2] = src[p + 2] * a + src[q + 2] * c
    }
    return
  }
  for (let dx = 0, k = 0; dx < n; dx++) {
    const p = base + off[2 * dx], q = base + off[2 * dx + 1]
    const a = w[2 * dx], c = w[2 * dx + 1]
    for (let ch = 0; ch < cn; ch++, k++) out[k] = src[p + ch] * a + src[q + ch] * c
  }
}

function horizontalCubic(src: Uint8Array, base: number, cn: number, off: Int32Array, w: Int32Array, out: Int32Array): void {
  const n = off.length >> 2
  for (let dx = 0, k = 0; dx < n; dx++) {
    const j = 4 * dx
    const p0 = base + off[j], p1 = base + off[j + 1], p2 = base + off[j + 2], p3 = base + off[j + 3]
    const a0 = w[j], a1 = w[j + 1], a2 = w[j + 2], a3 = w[j + 3]
    for (let ch = 0; ch < cn; ch++, k++) {
      out[k] = src[p0 + ch] * a0 + src[p1 + ch] * a1 + src[p2 + ch] * a2 + src[p3 + ch] * a3
    }
  }
}

/**
 * VResizeLinear<uchar>: each term is shifted separately, exactly like OpenCV's SIMD and scalar
 * code. Non-negative weights summing to 2048 keep the result within 0..255.
 */
function verticalLinear(s0: Int32Array, s1: Int32Array, b0: number, b1: number, dst: Uint8Array, o: number, n: number): void {
  for (let x = 0; x < n; x++) {
    dst[o + x] = (((b0 * (s0[x] >> 4)) >> 16) + ((b1 * (s1[x] >> 4)) >> 16) + 2) >> 2
  }
}

/**
 * VResizeCubic for uchar as OpenCV runs it: whole groups of 8 columns in float32
 * (VResizeCubicVec_32s8u: weights scaled by 1/2048^2, summed from the last row up, rounded half
 * to even) and the leftover columns in fixed point ((sum + 2^21) >> 22).
 */
const SIMD_LANES = 8
const CUBIC_FLOAT_SCALE = f32(1 / (COEF_SCALE * COEF_SCALE))

function verticalCubic(rows: Int32Array[], b: Int32Array, bo: number, dst: Uint8Array, o: number, n: number): void {
  const [s0, s1, s2, s3] = rows
  const b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3]
  const f0 = f32(b0 * CUBIC_FLOAT_SCALE)
  const f1 = f32(b1 * CUBIC_FLOAT_SCALE)
  const f2 = f32(b2 * CUBIC_FLOAT_SCALE)
  const f3 = f32(b3 * CUBIC_FLOAT_SCALE)
  const vecEnd = n - (n % SIMD_LANES)
  let x = 0
  for (; x < vecEnd; x++) {
    let t = f32(s3[x] * f3)
    t = f32(f32(s2[x] * f2) + t)
    t = f32(f32(s1[x] * f1) + t)
    t = f32(f32(s0[x] * f0) + t)
    dst[o + x] = clampByte(roundHalfEven(t))
  }
  for (; x < n; x++) {
    const sum = s0[x] * b0 + s1[x] * b1 + s2[x] * b2 + s3[x] * b3
    dst[o + x] = clampByte(Math.floor((sum + 2097152) / 4194304))
  }
}

/** Keeps the last `size` row-pass results so consecutive output rows reuse them, as OpenCV does. */
class RowCache {
  private readonly tags: Int32Array
  private readonly bufs: Int32Array[]
  private readonly used: Uint8Array

  constructor(
    size: number,
    rowLen: number,
    private readonly fill: (sy: number, buf: Int32Array) => void,
  ) {
    this.tags = new Int32Array(size).fill(-1)
    this.bufs = Array.from({ length: size }, () => new Int32Array(rowLen))
    this.used = new Uint8Array(size)
  }

  fetch(need: Int32Array, rows: Int32Array[]): void {
    const { tags, bufs, used } = this
    used.fill(0)
    for (let k = 0; k < need.length; k++) {
      const slot = tags.indexOf(need[k])
      if (slot >= 0) used[slot] = 1
    }
    for (let k = 0; k < need.length; k++) {
      const cached = tags.indexOf(need[k])
      if (cached >= 0) {
        rows[k] = bufs[cached]
        continue
      }
      // A slot that no row of this output line needs; one always exists (size == taps).
      let slot = 0
      while (used[slot] || need.includes(tags[slot])) slot++
      this.fill(need[k], bufs[slot])
      tags[slot] = need[k]
      used[slot] = 1
      rows[k] = bufs[slot]
    }
  }
}
