import type { ChannelOrder, Image } from './image.js'
import { f32 } from './rounding.js'

// Channel order is part of the agreed normalize.ts surface; the code lives in its own file.
export { swapChannelOrder } from './channel-order.js'

/** value = (pixel * scale - mean[c]) / std[c], per stored channel c. */
export interface NormalizeSpec {
  readonly scale: number
  readonly mean: readonly [number, number, number]
  readonly std: readonly [number, number, number]
}

/** Where to write inside a larger zero-filled CHW tensor (batch slot, right/bottom padding). */
export interface ChwTarget {
  readonly data: Float32Array
  /** Index of this image's first element (channel 0, row 0, column 0). */
  readonly offset: number
  readonly planeWidth: number
  readonly planeHeight: number
}

/**
 * Normalise an HWC image into planar CHW float32, planes in channel `order` (reading the image's
 * channels reversed when its order differs: the same numbers as swapChannelOrder first, one pass
 * fewer). Values go through a 256-entry table per channel
 * computed with float32 steps, which is both faster than per-pixel math and equal to PaddleOCR's
 * numpy `(img.astype(float32) * scale - mean) / std` with float32 scale, mean and std.
 */
export function normalizeToChw(img: Image, norm: NormalizeSpec, target?: ChwTarget, order: ChannelOrder = img.order): Float32Array {
  if (img.channels !== 3) throw new RangeError(`normalizeToChw needs 3 channels, got ${img.channels}`)
  const { width: w, height: h } = img
  const pw = target?.planeWidth ?? w
  const ph = target?.planeHeight ?? h
  const offset = target?.offset ?? 0
  const data = target?.data ?? new Float32Array(3 * w * h)
  if (w > pw || h > ph) {
    throw new RangeError(`normalizeToChw: ${w}x${h} image does not fit a ${pw}x${ph} plane`)
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * pw * ph > data.length) {
    throw new RangeError(`normalizeToChw: offset ${offset} + 3x${pw}x${ph} exceeds the target (${data.length})`)
  }
  const lut = channelTables(norm)
  const plane = pw * ph
  const src = img.data
  const first = order === img.order ? 0 : 2
  const last = 2 - first
  let s = 0
  for (let y = 0; y < h; y++) {
    const row = offset + y * pw
    for (let x = 0; x < w; x++, s += 3) {
      const o = row + x
      data[o] = lut[src[s + first]]
      data[o + plane] = lut[256 + src[s + 1]]
      data[o + 2 * plane] = lut[512 + src[s + last]]
    }
  }
  return data
}

function channelTables(norm: NormalizeSpec): Float32Array {
  const lut = new Float32Array(768)
  const scale = f32(norm.scale)
  for (let c = 0; c < 3; c++) {
    const mean = f32(norm.mean[c])
    const std = f32(norm.std[c])
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = f32(f32(f32(v * scale) - mean) / std)
  }
  return lut
}
