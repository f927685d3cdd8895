/**
 * The feature model packages under models/: every manifest builds a feature extractor (checked
 * without weights); `models pull` of the ONNX candidates exposes the backbone taps as outputs
 * (source.onnx.expose_outputs / input_shape) and they run batched at 224×224; and the
 * production manifest, general_PPLCNet_x2_5_lite_v1.0, matches the official graph (converted
 * here with random weights, since its weights are not in the mirror).
 */
import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { extractGallery } from '../../../bench/lib/extract-gallery.js'
import { convertModel } from '../../../src/convert/convert-model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import { onnxIoNames } from '../../../src/runtime/pull/build-model.js'
import { pullModel } from '../../../src/runtime/pull/index.js'
import { DEFAULT_FEATURE_MODEL } from '../../../src/tasks/features/feature-defaults.js'
import { featureExtractorSpec } from '../../../src/tasks/features/feature-extractor.js'
import { createImage, type Image } from '../../../src/vision/image.js'
import { asset, needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from '../../helpers/shared-assets.js'

const PRODUCTION = 'general_PPLCNet_x2_5_lite_v1.0'
const DIMS: Readonly<Record<string, number>> = {
  [PRODUCTION]: 512,
  mobilenet_v2_gem_features: 1280,
  mobilenet_v2_features: 1280,
  googlenet_v1_features: 1024,
  ppocrv4_det_features: 4 * (48 + 96),
  picodet_xs_features: 4 * (48 + 88),
}
const silent = { write: () => true, isTTY: false }

/** Two different non-square test images (a gradient and its mirror). */
function images(): Image[] {
  return [0, 1].map((flip) => {
    const img = createImage(150, 90)
    for (let i = 0; i < img.data.length; i++) img.data[i] = flip ? 255 - (i % 251) : (i * 7) % 256
    return img
  })
}

async function packageDir(root: string, name: string): Promise<string> {
  await mkdir(path.join(root, name))
  await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(root, name, 'manifest.yml'))
  return path.join(root, name)
}

describe('feature model packages', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-feature-packages-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  test('every manifest builds a feature extractor with its documented size, 224×224 input', async () => {
    assert.ok(DEFAULT_FEATURE_MODEL in DIMS)
    for (const [name, dim] of Object.entries(DIMS)) {
      const spec = featureExtractorSpec(await loadModelPackage(path.join(PROJECT_ROOT, 'models', name)))
      assert.equal(spec.head.dim, dim, name)
      assert.deepEqual([spec.width, spec.height], [224, 224], name)
    }
  })

  for (const [name, mirror, taps] of [
    ['picodet_xs_features', SHARED_ASSETS, ['hardswish_53.tmp_0', 'hardswish_65.tmp_0']],
    ['ppocrv4_det_features', path.join(PROJECT_ROOT, 'node_modules'), ['p2o.Add.43', 'p2o.Add.71']],
  ] as const) {
    test(`models pull ${name} exposes its backbone taps as the only outputs; batches of 2 run`, { skip: needsSharedAssets }, async () => {
      await packageDir(dir, name)
      await pullModel(name, { modelsDir: dir, mirror, progress: silent, handleSignals: false })
      const pkg = await loadModelPackage(path.join(dir, name))
      const io = await onnxIoNames(pkg.modelPath)
      assert.deepEqual([...io.outputs], [...taps])
      assert.deepEqual([...io.inputs], [pkg.feed('image').name])
      const { vectors } = await extractGallery(pkg, images(), { batchSize: 2, threads: 1 })
      assert.equal(vectors.length, 2)
      for (const v of vectors) {
        assert.equal(v.length, DIMS[name])
        assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5)
      }
      assert.ok(vectors[0]!.some((x, i) => Math.abs(x - vectors[1]![i]!) > 1e-3), 'different images give different features')
    })
  }

  test(`${PRODUCTION}: the manifest matches the official graph (random weights)`, { skip: needsSharedAssets }, async () => {
    const target = await packageDir(dir, PRODUCTION)
    const converted = await convertModel({ dirname: asset('paddle/graph_only', `${PRODUCTION}_infer`), out: path.join(dir, 'converted'), randomWeights: true, progress: () => {} })
    await cp(converted.modelPath, path.join(target, 'model.onnx'))
    const { vectors } = await extractGallery(await loadModelPackage(target), images(), { batchSize: 2, threads: 1 })
    assert.deepEqual(vectors.map((v) => v.length), [512, 512])
    for (const v of vectors) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5)
  })
})
