/**
 * The images a request makes from its own (a detection input, a text-line crop) are held to the
 * same pixel limit as decoded images, checked from their computed size before any allocation:
 * an extreme aspect ratio must not turn a small image into a multi-gigabyte tensor.
 */
import { InvalidInput } from '../engine/errors.js'

/** InvalidInput naming the limit when `width × height` exceeds `maxPixels`; `fix` says what to change. */
export function checkDerivedSize(width: number, height: number, maxPixels: number, what: string, fix: string): void {
  const pixels = width * height
  if (pixels <= maxPixels) return
  throw new InvalidInput(`${what} would be ${width}×${height} (${pixels} pixels), over limits.max_image_pixels (${maxPixels} pixels); ${fix}`)
}
