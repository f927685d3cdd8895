/**
 * Result images: shapes (OCR polygons, recognition boxes) with their labels drawn over the
 * request's image, as one SVG composited by sharp, returned as a JPEG whose long side is bounded
 * so responses stay small. Text uses Noto Sans CJK SC (Debian's fonts-noto-cjk, installed by the
 * install step) so Chinese labels render; other fonts are fontconfig's fallback.
 */
import sharp from 'sharp'
import { InvalidInput } from '../engine/errors.js'
import type { Point } from './image.js'

export interface OverlayShape {
  /** Corners in the source image's pixels (after EXIF orientation, as decodeImage sees it). */
  readonly points: readonly Point[]
  /** Drawn beside the shape, e.g. "纯臻营养护发素 0.998" or "Weimaraner 0.999". */
  readonly label?: string
}

/** Labels on tags beside their shapes, or written on a blank copy at the right (PaddleX's OCR picture). */
export type OverlayLayout = 'tags' | 'side-by-side'

export interface OverlayOptions {
  readonly layout?: OverlayLayout
  /** Longest side of the drawn image (both halves side by side); larger images are scaled down (never up). */
  readonly maxSide: number
  /** JPEG quality, 1–100. */
  readonly quality?: number
  /** Pixel limit for reading the source (the request's decode limit). */
  readonly maxPixels?: number
}

export interface DrawnImage {
  readonly jpeg: Buffer
  readonly width: number
  readonly height: number
}

export const OVERLAY_FONT_FAMILY = 'Noto Sans CJK SC'
const DEFAULT_QUALITY = 80
/** Distinct colours, cycled over the shapes so neighbours differ. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6', '#9a6324']

/** The four corners of an axis-aligned `[x1, y1, x2, y2]` box. */
export function boxCorners([x1, y1, x2, y2]: readonly [number, number, number, number]): Point[] {
  return [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ]
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** Rough advance of `text` in em: wide (CJK, full-width) characters 1, others 0.6. */
function textWidthEm(text: string): number {
  let em = 0
  for (const ch of text) em += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 1 : 0.6
  return em
}

const fixed = (n: number): string => n.toFixed(1)
const pointsAttr = (points: readonly Point[], dx = 0): string => points.map(([x, y]) => `${fixed(x + dx)},${fixed(y)}`).join(' ')

function textElement(x: number, y: number, size: number, fill: string, text: string): string {
  return `<text x="${fixed(x)}" y="${fixed(y)}" font-family="${OVERLAY_FONT_FAMILY}, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(text)}</text>`
}

/** A label on an opaque tag of the shape's colour: above it, below when it touches the top, inside when it spans the height. */
function tag(shape: OverlayShape, colour: string, width: number, height: number): string[] {
  const xs = shape.points.map(([x]) => x)
  const ys = shape.points.map(([, y]) => y)
  const [top, bottom] = [Math.min(...ys), Math.max(...ys)]
  const size = Math.round(Math.min(28, Math.max(12, (bottom - top) * 0.6)))
  const tagHeight = Math.round(size * 1.3)
  const tagWidth = Math.ceil(textWidthEm(shape.label!) * size) + 6
  const x = Math.max(0, Math.min(Math.min(...xs), width - tagWidth))
  const y = top >= tagHeight ? top - tagHeight : bottom + tagHeight <= height ? bottom : Math.max(0, top)
  return [
    `<rect x="${fixed(x)}" y="${fixed(y)}" width="${tagWidth}" height="${tagHeight}" fill="${colour}" fill-opacity="0.85"/>`,
    textElement(x + 3, y + size * 1.05, size, '#fff', shape.label!),
  ]
}

/**
 * The label written inside the shape's outline on the blank right half (PaddleX's OCR picture),
 * sized to fit; one character under the other in a tall outline (vertical text).
 */
function beside(shape: OverlayShape, colour: string, dx: number, stroke: number): string[] {
  const label = shape.label!
  const xs = shape.points.map(([x]) => x)
  const ys = shape.points.map(([, y]) => y)
  const [left, top] = [Math.min(...xs), Math.min(...ys)]
  const [boxWidth, boxHeight] = [Math.max(...xs) - left, Math.max(...ys) - top]
  const outline = `<polygon points="${pointsAttr(shape.points, dx)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`
  if (boxHeight > 1.5 * boxWidth) {
    const chars = [...label.replace(/\s+/g, '')]
    const size = Math.max(6, Math.floor(Math.min(boxWidth * 0.8, boxHeight / Math.max(1, chars.length))))
    const x = left + dx + (boxWidth - size) / 2
    const column = chars.map((ch, i) => `<tspan x="${fixed(x)}" y="${fixed(top + size * (i + 0.9))}">${escapeXml(ch)}</tspan>`).join('')
    return [outline, `<text font-family="${OVERLAY_FONT_FAMILY}, sans-serif" font-size="${size}" fill="#000">${column}</text>`]
  }
  const size = Math.max(6, Math.floor(Math.min(boxHeight * 0.8, boxWidth / Math.max(1, textWidthEm(label)))))
  return [outline, textElement(left + dx + 2, top + (boxHeight + size * 0.8) / 2, size, '#000', label)]
}

/**
 * The SVG that draws `shapes` (in output pixels) over a `width × height` image: each outline in
 * its colour with its label on a tag (`tags`), or the image on the left and the labels written in
 * their outlines on a blank right half of the same size (`side-by-side`, PaddleX's OCR layout).
 */
export function overlaySvg(width: number, height: number, shapes: readonly OverlayShape[], layout: OverlayLayout = 'tags'): string {
  const canvasWidth = layout === 'side-by-side' ? 2 * width : width
  const stroke = Math.max(2, Math.round(Math.max(canvasWidth, height) / 500))
  const parts: string[] = []
  shapes.forEach((shape, i) => {
    if (shape.points.length < 2) return
    const colour = PALETTE[i % PALETTE.length]!
    parts.push(`<polygon points="${pointsAttr(shape.points)}" fill="${colour}" fill-opacity="0.15" stroke="${colour}" stroke-width="${stroke}"/>`)
    if (!shape.label) return
    parts.push(...(layout === 'side-by-side' ? beside(shape, colour, width, Math.max(1, stroke - 1)) : tag(shape, colour, width, height)))
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${height}">${parts.join('')}</svg>`
}

/** Draws `shapes` over the image in `bytes` (EXIF orientation applied), the whole bounded by `maxSide`. */
export async function drawOverlay(bytes: Uint8Array, shapes: readonly OverlayShape[], options: OverlayOptions): Promise<DrawnImage> {
  const layout = options.layout ?? 'tags'
  const halves = layout === 'side-by-side' ? 2 : 1
  try {
    const { data: base, info } = await sharp(bytes, { limitInputPixels: options.maxPixels ?? 268_402_689 })
      .rotate() // EXIF orientation, as decodeImage applies it
      .resize({ width: Math.floor(options.maxSide / halves), height: options.maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    const { autoOrient } = await sharp(bytes, { limitInputPixels: false }).metadata()
    const scale = info.width / autoOrient.width
    const scaled = shapes.map((shape) => ({ ...shape, points: shape.points.map(([x, y]) => [x * scale, y * scale] as const) }))
    const svg = Buffer.from(overlaySvg(info.width, info.height, scaled, layout))
    const width = info.width * halves
    const canvas = sharp({ create: { width, height: info.height, channels: 3, background: '#ffffff' } })
    const jpeg = await canvas
      .composite([
        { input: base, raw: { width: info.width, height: info.height, channels: info.channels }, top: 0, left: 0 },
        { input: svg, top: 0, left: 0 },
      ])
      .jpeg({ quality: options.quality ?? DEFAULT_QUALITY })
      .toBuffer()
    return { jpeg, width, height: info.height }
  } catch (error) {
    throw new InvalidInput(`cannot draw the result image: ${(error as Error).message}`, { cause: error })
  }
}
