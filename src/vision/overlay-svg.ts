/**
 * What a drawn result is (shapes with labels, a caption, a layout) and the SVG that draws it over
 * an image: the vocabulary every task's `overlay` speaks and draw-overlay.ts renders. Text uses
 * Noto Sans CJK SC (Debian's fonts-noto-cjk, installed by the install step) so Chinese renders.
 */
import type { Point } from './image.js'

export interface OverlayShape {
  /** Corners in the source image's pixels (after EXIF orientation, as decodeImage sees it). */
  readonly points: readonly Point[]
  /** Drawn beside the shape, e.g. "纯臻营养护发素 0.998" or "Weimaraner 0.999". */
  readonly label?: string | undefined
}

/** Labels on tags beside their shapes, or written on a blank copy at the right (PaddleX's OCR picture). */
export type OverlayLayout = 'tags' | 'side-by-side'

/** One image's drawn result. */
export interface Overlay {
  readonly shapes: readonly OverlayShape[]
  /** Lines written in a box at the top left: a classifier's top-k, a text line's reading. */
  readonly caption?: readonly string[] | undefined
  readonly layout?: OverlayLayout | undefined
}

export const OVERLAY_FONT_FAMILY = 'Noto Sans CJK SC'
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

/** Caption lines in white on a dark box at the top left, as large as fits (12–32 px when there is room). */
function captionBox(lines: readonly string[], width: number, height: number): string[] {
  const [pad, lineHeight] = [6, 1.3]
  const longest = Math.max(1, ...lines.map(textWidthEm))
  const preferred = Math.min(32, Math.max(12, Math.round(Math.min(width, height) / 18)))
  const fits = Math.min((width - 2 * pad) / longest, (height - 2 * pad) / (lines.length * lineHeight))
  const size = Math.max(6, Math.floor(Math.min(preferred, fits)))
  const boxWidth = Math.min(width, Math.ceil(longest * size) + 2 * pad)
  const boxHeight = Math.min(height, Math.ceil(lines.length * size * lineHeight) + 2 * pad)
  return [
    `<rect x="0" y="0" width="${boxWidth}" height="${boxHeight}" fill="#000" fill-opacity="0.6"/>`,
    ...lines.map((line, i) => textElement(pad, pad + size * (i * lineHeight + 1), size, '#fff', line)),
  ]
}

/**
 * The SVG that draws `overlay` (in output pixels) over a `width × height` image: each outline in
 * its colour with its label on a tag (`tags`), or the image on the left and the labels written in
 * their outlines on a blank right half of the same size (`side-by-side`, PaddleX's OCR layout);
 * the caption, if any, at the top left of the image.
 */
export function overlaySvg(width: number, height: number, overlay: Overlay): string {
  const layout = overlay.layout ?? 'tags'
  const canvasWidth = layout === 'side-by-side' ? 2 * width : width
  const stroke = Math.max(2, Math.round(Math.max(canvasWidth, height) / 500))
  const parts: string[] = []
  overlay.shapes.forEach((shape, i) => {
    if (shape.points.length < 2) return
    const colour = PALETTE[i % PALETTE.length]!
    parts.push(`<polygon points="${pointsAttr(shape.points)}" fill="${colour}" fill-opacity="0.15" stroke="${colour}" stroke-width="${stroke}"/>`)
    if (!shape.label) return
    parts.push(...(layout === 'side-by-side' ? beside(shape, colour, width, Math.max(1, stroke - 1)) : tag(shape, colour, width, height)))
  })
  if (overlay.caption && overlay.caption.length > 0) parts.push(...captionBox(overlay.caption, width, height))
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${height}">${parts.join('')}</svg>`
}
