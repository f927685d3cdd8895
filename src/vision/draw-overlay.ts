/**
 * Result images: an overlay (overlay-svg.ts) drawn over the request's decoded image, as one SVG
 * composited by sharp, returned as a JPEG whose long side is bounded so answers stay small
 * (PaddleX's own are full-size PNG-like JPEGs of 10–25 MB). One sharp pipeline from the decoded
 * pixels: no second decode of the request's bytes.
 */
import sharp, { type Matrix3x3 } from 'sharp'
import type { Image } from './image.js'
import { overlaySvg, type Overlay, type OverlayShape } from './overlay-svg.js'

export interface DrawOptions {
  /** Longest side of the drawn image (both halves side by side); larger images are scaled down (never up). */
  readonly maxSide: number
  /** JPEG quality, 1–100. */
  readonly quality?: number
}

export interface DrawnImage {
  readonly jpeg: Buffer
  readonly width: number
  readonly height: number
}

export const DEFAULT_JPEG_QUALITY = 80

/** Swaps the first and third channels: decoded BGR pixels (PaddleOCR's order) back to RGB. */
const BGR_TO_RGB: Matrix3x3 = [
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
]

function scaleShapes(shapes: readonly OverlayShape[], sx: number, sy: number): OverlayShape[] {
  return shapes.map((shape) => ({ ...shape, points: shape.points.map(([x, y]) => [x * sx, y * sy] as const) }))
}

/** Draws `overlay` over `image` (shapes in its pixels); the whole, halves included, bounded by `maxSide`. */
export async function drawOverlay(image: Image, overlay: Overlay, options: DrawOptions): Promise<DrawnImage> {
  const halves = overlay.layout === 'side-by-side' ? 2 : 1
  const scale = Math.min(1, options.maxSide / Math.max(image.width * halves, image.height))
  const width = Math.max(1, Math.floor(image.width * scale))
  const height = Math.max(1, Math.floor(image.height * scale))
  const shapes = scaleShapes(overlay.shapes, width / image.width, height / image.height)
  const svg = Buffer.from(overlaySvg(width, height, { ...overlay, shapes }))
  // The pixels were decoded within limits.max_image_pixels already.
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels as 3 }, limitInputPixels: false })
  if (image.order === 'bgr') pipeline = pipeline.recomb(BGR_TO_RGB)
  if (width !== image.width || height !== image.height) pipeline = pipeline.resize(width, height, { fit: 'fill' })
  if (halves === 2) pipeline = pipeline.extend({ right: width, background: '#ffffff' })
  // sharp composites after resizing, extending and recombining: the SVG is drawn in output pixels.
  const jpeg = await pipeline
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality: options.quality ?? DEFAULT_JPEG_QUALITY })
    .toBuffer()
  return { jpeg, width: width * halves, height }
}
