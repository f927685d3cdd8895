/**
 * Object detection op for PicoDet packages: the package's preprocess list (preprocess), the
 * network up to its heads (process, batched across requests: every image has the package's
 * fixed input size; split into calls of the feed's batch size when that is fixed), decode +
 * multiclass NMS + mapping back to the original image (postprocess).
 */
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { stackBatch } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import type { PreprocessedImage } from '../../vision/preprocess-pipeline.js'
import type { DetectorSpec } from './detector-spec.js'
import type { HeadLevel } from './picodet-decode.js'
import { splitHeads } from './picodet-heads.js'
import { picoDetPostprocess, type Detection } from './picodet-postprocess.js'

export interface DetectInput {
  readonly image: Image
}

export function createDetectOp(name: string, model: Model, spec: DetectorSpec): Op<DetectInput, PreprocessedImage, HeadLevel[], Detection[]> {
  const { width, height } = spec.input
  return {
    name,
    preprocess: (input) => [spec.preprocess(input.image)],
    async process(batch, call) {
      const heads: HeadLevel[][] = []
      for (let start = 0; start < batch.length; start += spec.maxBatch) {
        const chunk = batch.slice(start, start + spec.maxBatch)
        const outputs = await model.run({ image: stackBatch(chunk.map((item) => item.chw), [3, height, width]) }, call)
        heads.push(...splitHeads(outputs, spec.params.strides, chunk.length))
      }
      return heads
    },
    postprocess: (input, [levels]) => picoDetPostprocess(levels!, spec.params, spec.input, input.image, spec.labels),
  }
}
