/**
 * Text direction op (PaddleOCR TextClassifier): each crop → 3×48×192 (right-padded), the
 * classifier gives P(0°), P(180°); a crop classified 180° with score above `thresh` is turned.
 */
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { splitBatch, stackBatch } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import type { NormalizeSpec } from '../../vision/normalize.js'
import { rotate180 } from '../../vision/rotate.js'
import { normalizeTextLine, textLineWidth } from './text-line-resize.js'

const HEIGHT = 48
const WIDTH = 192
const LABELS = [0, 180] as const

export interface ClsInput {
  readonly crops: readonly Image[]
  readonly thresh: number
}

export interface Direction {
  readonly angle: (typeof LABELS)[number]
  readonly score: number
}

export interface ClsOutput {
  /** The crops, turned upright where the classifier was confident they were upside down. */
  readonly crops: Image[]
  readonly directions: Direction[]
}

export function createClsOp(model: Model, normalization: NormalizeSpec): Op<ClsInput, Float32Array, Direction, ClsOutput> {
  return {
    name: 'cls',
    preprocess(input) {
      return input.crops.map((crop) => normalizeTextLine(crop, HEIGHT, textLineWidth(crop, HEIGHT, WIDTH), WIDTH, normalization))
    },
    async process(batch) {
      const { probs } = await model.run({ image: stackBatch(batch, [3, HEIGHT, WIDTH]) })
      return splitBatch(probs!).map((p) => {
        const best = p[1]! > p[0]! ? 1 : 0
        return { angle: LABELS[best]!, score: p[best]! }
      })
    },
    postprocess(input, directions) {
      const crops = input.crops.map((crop, i) => {
        const { angle, score } = directions[i]!
        return angle === 180 && score > input.thresh ? rotate180(crop) : crop
      })
      return { crops, directions }
    },
  }
}
