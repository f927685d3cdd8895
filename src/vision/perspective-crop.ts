import { invert3x3, perspectiveTransform } from './homography.js'
import type { Image, Point, Quad } from './image.js'
import { createImage } from './image.js'
import { INTER_BITS, INTER_TAB_SIZE, bicubicTable, bilinearTable } from './remap-weights.js'
import { clampByte, clampShort, f32, roundHalfEven } from './rounding.js'

export type WarpKernel = 'bilinear' | 'bicubic'

/**
 * PaddleOCR's get_rotate_crop_image, warp part:
 *   M = cv2.getPerspectiveTransform(quad, [[0,0],[w,0],[w,h],[0,h]])
 *   cv2.warpPerspective(img, M, (w, h), borderMode=BORDER_REPLICATE, flags=<kernel>)
 * reproduced with OpenCV's fixed-point sampling (1/32-pixel positions, 15-bit weights).
 * Note: PaddleOCR itself passes flags=cv2.INTER_CUBIC, i.e. kernel 'bicubic'.
 */
export function perspectiveCrop(img: Image, quad: Quad, width: number, height: number, kernel: WarpKernel = 'bilinear'): Image {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`perspectiveCrop: size must be positive integers, got ${width}x${height}`)
  }
  const target: Quad = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ]
  // warpPerspective inverts the forward matrix itself; doing the same keeps its rounding.
  const m = invert3x3(perspectiveTransform(quad, target))
  const out = createImage(width, height, img.channels, img.order)
  const sample = kernel === 'bicubic' ? sampleBicubic : sampleBilinear
  const table = kernel === 'bicubic' ? bicubicTable() : bilinearTable()
  // WarpPerspectiveInvoker works in blocks; each block row starts its sums at the block's x.
  const bh = Math.min(16, height)
  const bw = Math.min(Math.trunc(1024 / bh), width)
  const mask = INTER_TAB_SIZE - 1
  for (let y = 0; y < height; y++) {
    for (let bx = 0; bx < width; bx += bw) {
      const x0 = m[0] * bx + m[1] * y + m[2]
      const y0 = m[3] * bx + m[4] * y + m[5]
      const w0 = m[6] * bx + m[7] * y + m[8]
      const end = Math.min(bw, width - bx)
      for (let x1 = 0; x1 < end; x1++) {
        let w = w0 + m[6] * x1
        w = w !== 0 ? INTER_TAB_SIZE / w : 0
        const fx = roundHalfEven(clampInt32((x0 + m[0] * x1) * w))
        const fy = roundHalfEven(clampInt32((y0 + m[3] * x1) * w))
        const cell = ((fy & mask) << INTER_BITS) | (fx & mask)
        sample(img, clampShort(fx >> INTER_BITS), clampShort(fy >> INTER_BITS), table, cell, out.data, (y * width + bx + x1) * img.channels)
      }
    }
  }
  return out
}

/**
 * PaddleOCR's crop size for a text quad: int(max(|p0-p1|, |p2-p3|)) by
 * int(max(|p0-p3|, |p1-p2|)), with numpy's float32 arithmetic.
 */
export function textCropSize(quad: Quad): { width: number; height: number } {
  const width = Math.trunc(Math.max(distance32(quad[0], quad[1]), distance32(quad[2], quad[3])))
  const height = Math.trunc(Math.max(distance32(quad[0], quad[3]), distance32(quad[1], quad[2])))
  return { width, height }
}

function distance32(a: Point, b: Point): number {
  const dx = f32(f32(a[0]) - f32(b[0]))
  const dy = f32(f32(a[1]) - f32(b[1]))
  return f32(Math.sqrt(f32(f32(dx * dx) + f32(dy * dy))))
}

function clampInt32(v: number): number {
  return v < -2147483648 ? -2147483648 : v > 2147483647 ? 2147483647 : v
}

type Sampler = (img: Image, sx: number, sy: number, table: Int32Array, cell: number, dst: Uint8Array, o: number) => void

/** remapBilinear with BORDER_REPLICATE: every tap clamped into the image. */
const sampleBilinear: Sampler = (img, sx, sy, table, cell, dst, o) => {
  const { width: w, height: h, channels: cn, data } = img
  const xa = (sx < 0 ? 0 : sx >= w ? w - 1 : sx) * cn
  const xb = (sx + 1 < 0 ? 0 : sx + 1 >= w ? w - 1 : sx + 1) * cn
  const ra = (sy < 0 ? 0 : sy >= h ? h - 1 : sy) * w * cn
  const rb = (sy + 1 < 0 ? 0 : sy + 1 >= h ? h - 1 : sy + 1) * w * cn
  const t = cell * 4
  const w0 = table[t], w1 = table[t + 1], w2 = table[t + 2], w3 = table[t + 3]
  for (let c = 0; c < cn; c++) {
    const sum = data[ra + xa + c] * w0 + data[ra + xb + c] * w1 + data[rb + xa + c] * w2 + data[rb + xb + c] * w3
    dst[o + c] = clampByte((sum + 16384) >> 15)
  }
}

/** remapBicubic with BORDER_REPLICATE: 4x4 taps from (sx-1, sy-1), each clamped. */
const sampleBicubic: Sampler = (img, sx, sy, table, cell, dst, o) => {
  const { width: w, height: h, channels: cn, data } = img
  const t = cell * 16
  const stride = w * cn
  if (sx >= 1 && sx + 2 < w && sy >= 1 && sy + 2 < h) {
    const base = (sy - 1) * stride + (sx - 1) * cn
    for (let c = 0; c < cn; c++) {
      let sum = 0
      for (let r = 0, p = base + c, k = t; r < 4; r++, p += stride, k += 4) {
        sum += data[p] * table[k] + data[p + cn] * table[k + 1] + data[p + 2 * cn] * table[k + 2] + data[p + 3 * cn] * table[k + 3]
      }
      dst[o + c] = clampByte((sum + 16384) >> 15)
    }
    return
  }
  for (let c = 0; c < cn; c++) {
    let sum = 0
    for (let r = 0; r < 4; r++) {
      const yy = sy - 1 + r
      const row = (yy < 0 ? 0 : yy >= h ? h - 1 : yy) * stride + c
      for (let k = 0; k < 4; k++) {
        const xx = sx - 1 + k
        sum += data[row + (xx < 0 ? 0 : xx >= w ? w - 1 : xx) * cn] * table[t + r * 4 + k]
      }
    }
    dst[o + c] = clampByte((sum + 16384) >> 15)
  }
}
