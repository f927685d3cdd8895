/**
 * Feature extraction op: the package's preprocess list (preprocess: every image becomes the
 * model's fixed input size, 224×224 plain resize for the PP-ShiTu extractors), the model
 * (process, batched across requests; each item gets views of its rows of the tap outputs), the
 * feature head (postprocess, per request: pooling, per-tap L2, concatenation, final L2). One
 * request carries any number of images (the crops of one photo), so its crops batch with each
 * other and with other requests'. The model is addressed by its aliases `image` and
 * `features` / `features_1`, `features_2`, ….
 */
import { InferenceError } from '../../engine/errors.js'
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { stackBatch, type Tensor } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import type { PreprocessedImage } from '../../vision/preprocess-pipeline.js'
import type { FeatureHead } from './feature-head.js'

export interface FeatureInput {
  /** Images (whole photos or crops) in the package's channel order. */
  readonly images: readonly Image[]
}

export interface FeatureExtractorSpec {
  readonly preprocess: (img: Image) => PreprocessedImage
  readonly head: FeatureHead
}

/** One item's rows of every tap output, as `[1, ...]` views (no copies). */
function itemOutputs(outputs: Readonly<Record<string, Tensor>>, aliases: readonly string[], item: number, count: number): Record<string, Tensor> {
  const rows: Record<string, Tensor> = {}
  for (const alias of aliases) {
    const tensor = outputs[alias]
    if (!tensor) throw new InferenceError(`the model returned no feature tap ${alias}`)
    if (tensor.dims[0] !== count) throw new InferenceError(`feature tap ${alias} has ${tensor.dims[0]} rows for a batch of ${count}`)
    const size = tensor.data.length / count
    rows[alias] = { data: tensor.data.subarray(item * size, (item + 1) * size), dims: [1, ...tensor.dims.slice(1)] }
  }
  return rows
}

/** Answers one L2-normalised vector of `spec.head.dim` values per input image, in order. */
export function createFeatureOp(name: string, model: Model, spec: FeatureExtractorSpec): Op<FeatureInput, PreprocessedImage, Record<string, Tensor>, Float32Array[]> {
  const aliases = spec.head.taps.map((tap) => tap.alias)
  return {
    name,
    preprocess: (input) => input.images.map((image) => spec.preprocess(image)),
    async process(batch, call) {
      const { width, height } = batch[0]!
      const outputs = await model.run({ image: stackBatch(batch.map((item) => item.chw), [3, height, width]) }, call)
      return batch.map((_, i) => itemOutputs(outputs, aliases, i, batch.length))
    },
    postprocess: (_input, rows) => rows.map((outputs) => spec.head.extract(outputs, 1)[0]!),
  }
}
