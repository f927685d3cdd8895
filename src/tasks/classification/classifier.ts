/**
 * One classifier: the op of a loaded PaddleClas-style package (preprocess and Topk from its
 * manifest, aliases `image` → `prediction`), checked once, at load.
 */
import type { OpHandle } from '../../engine/op.js'
import { fixedImageSize, imageInputGeometry } from '../../runtime/image-geometry.js'
import type { Model } from '../../runtime/model.js'
import { requireSection } from '../../runtime/manifest-sections.js'
import { readPackageFile } from '../../runtime/model-package.js'
import { compileFixedSizePreprocess } from '../../vision/preprocess-pipeline.js'
import type { TaskKit } from '../task.js'
import { parseClassIdMap } from './class-labels.js'
import type { ClassifyConfig } from './classify-config.js'
import { createClassifyOp, type Classification, type ClassifyInput } from './classify-op.js'
import { TopkSection } from './manifest-sections.js'

export interface Classifier {
  readonly op: OpHandle<ClassifyInput, Classification>
  /** The package's Topk.topk: how many classes a request gets unless it asks otherwise. */
  readonly defaultTopk: number
}

export async function createClassifier(kit: TaskKit, model: Model, config: ClassifyConfig): Promise<Classifier> {
  const { pkg } = model
  const where = `${pkg.dir}/manifest.yml`
  const topk = requireSection(pkg, TopkSection, 'a classifier')
  const labels = parseClassIdMap(await readPackageFile(pkg, topk.class_id_map_file), pkg.files[topk.class_id_map_file]!)
  const size = fixedImageSize(imageInputGeometry(model), `${where}: feed "image"`)
  const preprocess = compileFixedSizePreprocess(pkg.manifest.preprocess, where, pkg.manifest.channel_order, size)
  pkg.fetch('prediction')
  const op = createClassifyOp(`classify:${pkg.name}`, model, { preprocess, softmax: topk.softmax, labels })
  return { op: kit.registerOp(op, model, config.ops), defaultTopk: topk.topk }
}
