/**
 * Turns images into gallery-ready feature vectors: the feature extractor registered as an engine
 * op, so crops of concurrent requests batch together (the preprocess puts them in the model's
 * channel order).
 * Whitening is not here: it belongs to a gallery (fitted on its images), see gallery.ts.
 */
import type { Op, OpHandle } from '../../engine/op.js'
import type { RequestContext } from '../../engine/request-context.js'
import type { Model } from '../../runtime/model.js'
import type { Image } from '../../vision/image.js'
import { featureExtractorSpec } from '../features/feature-extractor.js'
import { createFeatureOp, type FeatureInput } from '../features/feature-op.js'

export class Embedder {
  private constructor(
    readonly model: string,
    /** Length of every vector. */
    readonly dim: number,
    /** Per-tap lengths, the segments whitening is fitted on. */
    readonly segments: readonly number[],
    private readonly op: OpHandle<FeatureInput, Float32Array[]>,
  ) {}

  /** `register` puts the feature op on an engine with the caller's scheduling settings. */
  static create(model: Model, register: (op: Op<FeatureInput, any, any, Float32Array[]>) => OpHandle<FeatureInput, Float32Array[]>): Embedder {
    const spec = featureExtractorSpec(model.pkg)
    const op = register(createFeatureOp(`features:${model.name}`, model, spec))
    return new Embedder(model.name, spec.head.dim, spec.head.segments, op)
  }

  /** One L2-normalised vector per image, in order. */
  embed(images: readonly Image[], ctx: RequestContext): Promise<Float32Array[]> {
    return this.op.run({ images }, ctx)
  }
}
