/**
 * The whole PicoDet post-processing for one image: decode the heads, multiclass NMS, map boxes
 * from the model input back to the original image. The resize squashes the image to the input
 * size without keeping its ratio, so x and y scale separately (Paddle divides by
 * `scale_factor = [input_h / h, input_w / w]`).
 */
import { multiclassNms, type MulticlassNmsParams } from './multiclass-nms.js'
import type { Box } from './nms.js'
import { decodeLevels, type DecodeParams, type HeadLevel, type InputSize } from './picodet-decode.js'

export interface PicoDetParams extends DecodeParams, MulticlassNmsParams {
  /** Stride of each head level, in the order of the model's outputs (PicoDet: 8, 16, 32, 64). */
  readonly strides: readonly number[]
}

/** One detected object, its box in original-image pixels (unrounded). */
export interface Detection {
  readonly classId: number
  readonly label: string
  readonly score: number
  readonly box: Box
}

/** Maps a box from a `from`-sized image to a `to`-sized image (independent x and y scales). */
export function scaleBox(box: Box, from: InputSize, to: InputSize): Box {
  const sx = to.width / from.width
  const sy = to.height / from.height
  return [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy]
}

/**
 * One image's detections, best first, boxes in `original` pixels; each labelled `labels[classId]`
 * (or the id as text for a class the list does not name).
 */
export function picoDetPostprocess(levels: readonly HeadLevel[], params: PicoDetParams, input: InputSize, original: InputSize, labels: readonly string[]): Detection[] {
  const candidates = decodeLevels(levels, params, input)
  return multiclassNms(candidates, params).map(({ classId, score, box }) => ({
    classId,
    label: labels[classId] ?? String(classId),
    score,
    box: scaleBox(box, input, original),
  }))
}
