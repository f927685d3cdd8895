/**
 * The "no network" retrieval baseline: a joint HSV colour histogram (16 hue × 4 saturation ×
 * 4 value bins) of the whole image, fractions → fourth root (Hellinger-like, so a few dominant
 * colours do not swamp the rest) → L2. For reference next to the feature models only.
 */
import type { Image } from '../../src/vision/image.js'

const HUE_BINS = 16
const SAT_BINS = 4
const VAL_BINS = 4
export const HSV_DIM = HUE_BINS * SAT_BINS * VAL_BINS

export function hsvHistogram(image: Image): Float32Array {
  if (image.channels !== 3) throw new RangeError(`hsvHistogram needs 3 channels, got ${image.channels}`)
  const [ri, bi] = image.order === 'rgb' ? [0, 2] : [2, 0]
  const counts = new Float64Array(HSV_DIM)
  const { data } = image
  for (let i = 0; i < data.length; i += 3) {
    const r = data[i + ri]! / 255
    const g = data[i + 1]! / 255
    const b = data[i + bi]! / 255
    const max = Math.max(r, g, b)
    const delta = max - Math.min(r, g, b)
    let hue = 0
    if (delta > 0) {
      if (max === r) hue = ((g - b) / delta + 6) % 6
      else if (max === g) hue = (b - r) / delta + 2
      else hue = (r - g) / delta + 4
    }
    const saturation = max > 0 ? delta / max : 0
    const h = Math.min(HUE_BINS - 1, Math.floor((hue / 6) * HUE_BINS))
    const s = Math.min(SAT_BINS - 1, Math.floor(saturation * SAT_BINS))
    const v = Math.min(VAL_BINS - 1, Math.floor(max * VAL_BINS))
    counts[(h * SAT_BINS + s) * VAL_BINS + v]! += 1
  }
  const pixels = data.length / 3
  const out = new Float32Array(HSV_DIM)
  let sum = 0
  for (let i = 0; i < HSV_DIM; i++) {
    out[i] = Math.sqrt(Math.sqrt(counts[i]! / pixels))
    sum += out[i]! * out[i]!
  }
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0
  for (let i = 0; i < HSV_DIM; i++) out[i]! *= scale
  return out
}
