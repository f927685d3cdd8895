/** How a PP-ShiTu result is drawn: each recognised box with its gallery label and score on a tag. */
import { boxCorners, type Overlay } from '../../vision/overlay-svg.js'
import type { RecognizedObject } from './rec-results.js'

export function recognitionOverlay(objects: readonly RecognizedObject[]): Overlay {
  return { shapes: objects.map((o) => ({ points: boxCorners(o.bbox), label: `${o.rec_docs} ${o.rec_scores.toFixed(3)}` })) }
}
