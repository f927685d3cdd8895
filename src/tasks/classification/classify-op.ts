/**
 * Image classification op: the package's preprocess list (preprocess), the classifier
 * (process, batched across requests: every image has the package's fixed input size), Topk with
 * labels (postprocess). The model is addressed by its aliases `image` and `prediction`.
 */
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { splitBatch, stackBatch } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import type { PreprocessedImage } from '../../vision/preprocess-pipeline.js'
import { softmax, topk } from './topk.js'

export interface ClassifyInput {
  readonly image: Image
  readonly topk: number
}

export interface Classification {
  readonly classIds: number[]
  readonly scores: number[]
  readonly labelNames: string[]
}

export interface ClassifierSpec {
  readonly preprocess: (img: Image) => PreprocessedImage
  /** Apply softmax to the model output first (graphs that end at the logits). */
  readonly softmax: boolean
  readonly labels: ReadonlyMap<number, string>
}

export function createClassifyOp(name: string, model: Model, spec: ClassifierSpec): Op<ClassifyInput, PreprocessedImage, Float32Array, Classification> {
  return {
    name,
    preprocess: (input) => [spec.preprocess(input.image)],
    async process(batch, call) {
      const { width, height } = batch[0]!
      const { prediction } = await model.run({ image: stackBatch(batch.map((item) => item.chw), [3, height, width]) }, call)
      return splitBatch(prediction!)
    },
    postprocess(input, [row]) {
      const scores = spec.softmax ? softmax(row!) : row!
      const best = topk(scores, input.topk)
      return { ...best, labelNames: best.classIds.map((id) => spec.labels.get(id) ?? String(id)) }
    },
  }
}
