import { InvalidInput } from '../engine/errors.js'
import type { Image } from './image.js'
import { createImage } from './image.js'

/** Copy the rectangle (x, y, width, height), clamped to the image; an empty result is an error. */
export function cropImage(img: Image, x: number, y: number, width: number, height: number): Image {
  const x0 = clamp(Math.trunc(x), img.width)
  const y0 = clamp(Math.trunc(y), img.height)
  const x1 = clamp(Math.trunc(x + width), img.width)
  const y1 = clamp(Math.trunc(y + height), img.height)
  if (x1 <= x0 || y1 <= y0) {
    throw new InvalidInput(
      `crop (${x}, ${y}, ${width}x${height}) lies outside the ${img.width}x${img.height} image`,
    )
  }
  const cn = img.channels
  const out = createImage(x1 - x0, y1 - y0, cn, img.order)
  const rowBytes = (x1 - x0) * cn
  for (let r = 0; r < out.height; r++) {
    const s = ((y0 + r) * img.width + x0) * cn
    out.data.set(img.data.subarray(s, s + rowBytes), r * rowBytes)
  }
  return out
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v
}
