/**
 * How an OCR result is drawn: PaddleX's picture (each line's outline over the image, its text and
 * score written in the same outline on a blank copy beside it); a line read without detection
 * (det=false: the image is the line) as a caption.
 */
import type { Overlay } from '../../vision/overlay-svg.js'
import type { OcrLine } from './ocr-service.js'

const reading = (line: OcrLine): string | undefined => (line.text === undefined ? undefined : `${line.text} ${(line.confidence ?? 0).toFixed(3)}`)

export function ocrOverlay(lines: readonly OcrLine[]): Overlay {
  const shapes = lines.flatMap((line) => (line.text_region ? [{ points: line.text_region, label: reading(line) }] : []))
  const caption = lines.flatMap((line) => (line.text_region ? [] : [reading(line) ?? '']))
  return { shapes, caption, layout: 'side-by-side' }
}
