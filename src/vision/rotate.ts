import type { Image } from './image.js'
import { createImage } from './image.js'

/** numpy `np.rot90(img)`: a quarter turn counter-clockwise; the result is height x width. */
export function rotate90CounterClockwise(img: Image): Image {
  const { width: w, height: h, channels: cn } = img
  const out = createImage(h, w, cn, img.order)
  const src = img.data
  const dst = out.data
  // out[i][j] = in[j][w - 1 - i]
  let o = 0
  for (let i = 0; i < w; i++) {
    const col = (w - 1 - i) * cn
    for (let j = 0; j < h; j++) {
      const s = j * w * cn + col
      for (let c = 0; c < cn; c++) dst[o++] = src[s + c]
    }
  }
  return out
}

/** A half turn: out[y][x] = in[h - 1 - y][w - 1 - x]. */
export function rotate180(img: Image): Image {
  const cn = img.channels
  const out = createImage(img.width, img.height, cn, img.order)
  const src = img.data
  const dst = out.data
  const n = img.width * img.height
  for (let p = 0; p < n; p++) {
    const s = (n - 1 - p) * cn
    for (let c = 0; c < cn; c++) dst[p * cn + c] = src[s + c]
  }
  return out
}
