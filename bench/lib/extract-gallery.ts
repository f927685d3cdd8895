/**
 * Runs decoded gallery images through a feature model package the way the feature op does
 * (the package's preprocess, batched model runs, the feature head), outside the engine, and
 * times it: for retrieval benchmarks and accuracy tests.
 */
import { RequestContext } from '../../src/engine/request-context.js'
import { Model } from '../../src/runtime/model.js'
import type { ModelPackage } from '../../src/runtime/model-package.js'
import { createOrtSession } from '../../src/runtime/ort-session.js'
import type { Tensor } from '../../src/runtime/tensor.js'
import { createFeatureOp } from '../../src/tasks/features/feature-op.js'
import { featureExtractorSpec, type FeatureExtractorInfo } from '../../src/tasks/features/feature-extractor.js'
import type { Image } from '../../src/vision/image.js'
import { STANDALONE_CALL } from '../../src/engine/batch-call.js'

export interface GalleryFeatures {
  readonly spec: FeatureExtractorInfo
  readonly vectors: Float32Array[]
  /** Preprocess + model + head per image (decoding excluded), at the given batch size. */
  readonly msPerImage: number
}

export interface ExtractOptions {
  readonly batchSize: number
  readonly threads: number
  readonly onBatch?: (done: number, total: number) => void
}

export async function extractGallery(pkg: ModelPackage, images: readonly Image[], options: ExtractOptions): Promise<GalleryFeatures> {
  const spec = featureExtractorSpec(pkg)
  const session = await createOrtSession(pkg.modelPath, {
    intraOpThreads: options.threads,
    interOpThreads: 1,
    graphOptimization: 'all',
    executionProviders: ['cpu'],
  })
  const model = Model.attach(pkg, session)
  const op = createFeatureOp(`features:${pkg.name}`, model, spec)
  const vectors: Float32Array[] = []
  let ms = 0
  const ctx = new RequestContext({ deadlineMs: 2 ** 31 - 1 })
  try {
    for (let start = 0; start < images.length; start += options.batchSize) {
      const input = { images: images.slice(start, start + options.batchSize) }
      const started = performance.now()
      const items = await op.preprocess(input, ctx)
      const outputs = await op.process(items, STANDALONE_CALL)
      const failed = outputs.find((o) => o instanceof Error)
      if (failed) throw failed
      vectors.push(...(await op.postprocess(input, outputs as Array<Record<string, Tensor>>, items, ctx)))
      ms += performance.now() - started
      options.onBatch?.(Math.min(start + options.batchSize, images.length), images.length)
    }
  } finally {
    ctx.dispose()
    await model.close()
  }
  return { spec, vectors, msPerImage: ms / images.length }
}
