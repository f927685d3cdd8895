/**
 * PaddleOCR's resize_norm_img for text lines (direction classifier and recogniser): scale to the
 * model's height keeping the aspect ratio, width ceil(h_model × w/h) capped at `maxWidth`, then
 * normalise into the left part of a zero-filled `3 × height × planeWidth` tensor (right padding).
 */
import type { Image } from '../../vision/image.js'
import { normalizeToChw, type NormalizeSpec } from '../../vision/normalize.js'
import { resizeImage } from '../../vision/resize.js'

export function textLineWidth(image: Image, height: number, maxWidth: number): number {
  const width = Math.ceil((height * image.width) / image.height)
  return Math.max(1, Math.min(width, maxWidth))
}

export function normalizeTextLine(
  image: Image,
  height: number,
  width: number,
  planeWidth: number,
  normalization: NormalizeSpec,
  target?: { data: Float32Array; offset: number },
): Float32Array {
  const resized = resizeImage(image, width, height, 'bilinear')
  const data = target?.data ?? new Float32Array(3 * height * planeWidth)
  normalizeToChw(resized, normalization, { data, offset: target?.offset ?? 0, planeWidth, planeHeight: height })
  return data
}
