/**
 * DB (differentiable binarisation) postprocess as PaddleOCR's DBPostProcess with score_mode
 * "fast" and box_type "quad", followed by predict_det's filter_tag_det_res: probability map →
 * text quads in original-image pixels.
 */
import { findContours } from '../../vision/contours.js'
import type { Point, Quad } from '../../vision/image.js'
import { miniBox } from '../../vision/mini-box.js'
import { meanInsidePolygon } from '../../vision/polygon.js'
import { unclipPolygon } from '../../vision/unclip.js'

export interface DbParams {
  /** Binarisation threshold on the probability map. */
  readonly thresh: number
  /** Minimum mean probability inside a box. */
  readonly boxThresh: number
  /** Polygon offset distance = area × unclipRatio / perimeter. */
  readonly unclipRatio: number
  readonly maxCandidates: number
}

export interface TextBox {
  readonly quad: Quad
  readonly score: number
}

export interface ProbabilityMap {
  readonly data: Float32Array
  readonly width: number
  readonly height: number
}

const MIN_SIZE = 3

function binarize(map: ProbabilityMap, thresh: number): Uint8Array {
  const bitmap = new Uint8Array(map.data.length)
  for (let i = 0; i < map.data.length; i++) bitmap[i] = map.data[i]! > thresh ? 1 : 0
  return bitmap
}

function scaleQuad(box: Quad, sx: number, sy: number, maxX: number, maxY: number): Quad {
  const scale = ([x, y]: Point): Point => [
    Math.min(Math.max(Math.round(x * sx), 0), maxX),
    Math.min(Math.max(Math.round(y * sy), 0), maxY),
  ]
  return [scale(box[0]), scale(box[1]), scale(box[2]), scale(box[3])]
}

/**
 * predict_det.order_points_clockwise: top-left has the smallest x+y, bottom-right the largest;
 * of the other two, top-right has the smaller y-x.
 */
function orderClockwise(quad: Quad): Quad {
  const sums = quad.map(([x, y]) => x + y)
  const first = sums.indexOf(Math.min(...sums))
  let third = sums.indexOf(Math.max(...sums))
  if (third === first) third = (first + 2) % 4
  const rest = [0, 1, 2, 3].filter((i) => i !== first && i !== third).map((i) => quad[i]!)
  const [a, b] = rest as [Point, Point]
  const [topRight, bottomLeft] = b[1] - b[0] < a[1] - a[0] ? [b, a] : [a, b]
  return [quad[first]!, topRight, quad[third]!, bottomLeft]
}

/** predict_det.filter_tag_det_res: order, clip to the image, drop boxes 3 px or thinner. */
function keepAfterClip(quad: Quad, imageWidth: number, imageHeight: number): Quad | undefined {
  const clip = ([x, y]: Point): Point => [Math.min(Math.max(x, 0), imageWidth - 1), Math.min(Math.max(y, 0), imageHeight - 1)]
  const ordered = orderClockwise(quad)
  const clipped: Quad = [clip(ordered[0]), clip(ordered[1]), clip(ordered[2]), clip(ordered[3])]
  const width = Math.trunc(Math.hypot(clipped[0][0] - clipped[1][0], clipped[0][1] - clipped[1][1]))
  const height = Math.trunc(Math.hypot(clipped[0][0] - clipped[3][0], clipped[0][1] - clipped[3][1]))
  return width <= MIN_SIZE || height <= MIN_SIZE ? undefined : clipped
}

export function dbPostprocess(map: ProbabilityMap, imageWidth: number, imageHeight: number, params: DbParams): TextBox[] {
  const contours = findContours(binarize(map, params.thresh), map.width, map.height, { holes: true, order: 'opencv' })
  const sx = imageWidth / map.width
  const sy = imageHeight / map.height
  const boxes: TextBox[] = []
  for (const contour of contours.slice(0, params.maxCandidates)) {
    const candidate = miniBox(contour)
    if (candidate.shortSide < MIN_SIZE) continue
    const score = meanInsidePolygon(map.data, map.width, map.height, candidate.box)
    if (score < params.boxThresh) continue
    const expanded = unclipPolygon(candidate.box, params.unclipRatio)
    if (expanded.length === 0) continue
    const grown = miniBox(expanded)
    if (grown.shortSide < MIN_SIZE + 2) continue
    const quad = keepAfterClip(scaleQuad(grown.box, sx, sy, imageWidth, imageHeight), imageWidth, imageHeight)
    if (quad) boxes.push({ quad, score })
  }
  return boxes
}
