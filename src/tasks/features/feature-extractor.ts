/**
 * Builds a feature extractor's spec from its model package, checked once at load: the feed
 * `image`, a preprocess list that turns any image into exactly the feed's size (so batches
 * always stack), and the feature head from the fetches and FeaturePool.
 */
import { fixedImageSize, geometryOfShape } from '../../runtime/image-geometry.js'
import { MANIFEST_FILE, type ModelPackage } from '../../runtime/model-package.js'
import { compileFixedSizePreprocess } from '../../vision/preprocess-pipeline.js'
import { createFeatureHead } from './feature-head.js'
import type { FeatureExtractorSpec } from './feature-op.js'

export interface FeatureExtractorInfo extends FeatureExtractorSpec {
  /** The model's input size. */
  readonly width: number
  readonly height: number
}

export function featureExtractorSpec(pkg: ModelPackage): FeatureExtractorInfo {
  const where = `${pkg.dir}/${MANIFEST_FILE}`
  const { width, height } = fixedImageSize(geometryOfShape(pkg.feed('image').shape, `${where}: feed "image"`), `${where}: feed "image"`)
  const preprocess = compileFixedSizePreprocess(pkg.manifest.preprocess, where, pkg.manifest.channel_order, { width, height })
  const head = createFeatureHead(pkg.manifest.fetches, pkg.manifest.postprocess, where)
  return { preprocess, head, width, height }
}
