/** How a classification is drawn: its top-k labels and scores as a caption over the image. */
import type { Overlay } from '../../vision/overlay-svg.js'
import type { Classification } from './classify-op.js'

export function classificationOverlay(result: Classification): Overlay {
  return { shapes: [], caption: result.classIds.map((id, i) => `${result.labelNames[i] ?? id} ${result.scores[i]!.toFixed(3)}`) }
}
