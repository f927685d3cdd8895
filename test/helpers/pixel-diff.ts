/**
 * Pixel comparisons for drawn result images: decoded RGB pixels, and the mean absolute difference
 * of a drawn image against its input over a region (JPEG re-encoding makes exact equality
 * meaningless, so tests bound averages instead).
 */
import sharp from 'sharp'

export interface Pixels {
  readonly data: Buffer
  readonly width: number
  readonly height: number
  readonly channels: number
}

/** x1, y1, x2, y2 (x2, y2 exclusive). */
export type Rect = readonly [number, number, number, number]

/** Decoded RGB pixels of an encoded image, resized to `size` when given. */
export async function rgb(image: Buffer, size?: { width: number; height: number }): Promise<Pixels> {
  let pipeline = sharp(image).removeAlpha()
  if (size) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' })
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height, channels: info.channels }
}

export const grow = ([x1, y1, x2, y2]: Rect, by: number): Rect => [x1 - by, y1 - by, x2 + by, y2 + by]
export const inside = (x: number, y: number, [x1, y1, x2, y2]: Rect): boolean => x >= x1 && x < x2 && y >= y1 && y < y2
export const scaleRect = ([x1, y1, x2, y2]: Rect, s: number): Rect => [x1 * s, y1 * s, x2 * s, y2 * s]

/**
 * Mean absolute difference per channel of `drawn` (read at x + dx) against `input`, over the
 * pixels `keep` selects within `area` (default the whole input).
 */
export function meanDiff(drawn: Pixels, input: Pixels, keep: (x: number, y: number) => boolean, dx = 0, area: Rect = [0, 0, input.width, input.height]): { mean: number; pixels: number } {
  let sum = 0
  let pixels = 0
  const [x1, y1] = [Math.max(0, Math.floor(area[0])), Math.max(0, Math.floor(area[1]))]
  const [x2, y2] = [Math.min(input.width, Math.ceil(area[2])), Math.min(input.height, Math.ceil(area[3]))]
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      if (!keep(x, y)) continue
      pixels++
      for (let c = 0; c < 3; c++) sum += Math.abs(drawn.data[(y * drawn.width + x + dx) * drawn.channels + c]! - input.data[(y * input.width + x) * input.channels + c]!)
    }
  }
  return { mean: sum / Math.max(1, pixels * 3), pixels }
}

/** The largest mean difference of any `tile`×`tile` square's pixels that `keep` selects (squares with fewer than a fifth of their pixels selected are skipped). */
export function worstTile(drawn: Pixels, input: Pixels, keep: (x: number, y: number) => boolean, tile = 50): { mean: number; at: [number, number] } {
  let worst = { mean: 0, at: [0, 0] as [number, number] }
  for (let ty = 0; ty < input.height; ty += tile) {
    for (let tx = 0; tx < input.width; tx += tile) {
      const { mean, pixels } = meanDiff(drawn, input, keep, 0, [tx, ty, tx + tile, ty + tile])
      if (pixels > (tile * tile) / 5 && mean > worst.mean) worst = { mean, at: [tx, ty] }
    }
  }
  return worst
}
