/**
 * Text direction op (PaddleOCR TextClassifier): each crop → 3 × H × W (height H keeping the
 * ratio, right-padded), the classifier scores one class per label of the package's
 * ClsPostProcess; a crop whose best label is '180' with a score above `thresh` is turned.
 */
import { InferenceError } from '../../engine/errors.js'
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { splitBatch, stackBatch } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import { rotate180 } from '../../vision/rotate.js'
import { TURNED_LABEL } from './manifest-sections.js'
import type { ClsSpec } from './ocr-model-specs.js'
import { normalizeTextLine, textLineWidth } from './text-line-resize.js'

export interface ClsInput {
  readonly crops: readonly Image[]
  readonly thresh: number
}

export interface Direction {
  /** The best-scoring label of the package's label_list ('0' or '180' for PP-OCR). */
  readonly label: string
  readonly score: number
}

export interface ClsOutput {
  /** The crops, turned upright where the classifier was confident they were upside down. */
  readonly crops: Image[]
  readonly directions: Direction[]
}

/** numpy argmax: the first of equal maxima wins. */
function argmax(row: Float32Array): number {
  let best = 0
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i
  return best
}

export function createClsOp(model: Model, spec: ClsSpec): Op<ClsInput, Float32Array, Direction, ClsOutput> {
  const { height, width, labels, normalization } = spec
  return {
    name: 'cls',
    preprocess(input) {
      return input.crops.map((crop) => normalizeTextLine(crop, height, textLineWidth(crop, height, width), width, normalization))
    },
    async process(batch, call) {
      const { probs } = await model.run({ image: stackBatch(batch, [3, height, width]) }, call)
      return splitBatch(probs!).map((row) => {
        if (row.length !== labels.length) throw new InferenceError(`model ${model.name} scored ${row.length} classes for ${labels.length} labels`)
        const best = argmax(row)
        return { label: labels[best]!, score: row[best]! }
      })
    },
    postprocess(input, directions) {
      const crops = input.crops.map((crop, i) => {
        const { label, score } = directions[i]!
        return label === TURNED_LABEL && score > input.thresh ? rotate180(crop) : crop
      })
      return { crops, directions }
    },
  }
}
