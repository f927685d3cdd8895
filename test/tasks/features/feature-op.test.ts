/**
 * The feature op, built from a package manifest by featureExtractorSpec, behind the engine with
 * a deterministic fake session: crops of concurrent requests batch together, every answer is a
 * unit vector in the request's order, and a package whose preprocess does not produce the feed
 * size is refused at load.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ConfigError } from '../../../src/engine/errors.js'
import { Engine } from '../../../src/engine/index.js'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import type { ModelSession } from '../../../src/runtime/session.js'
import type { Tensor } from '../../../src/runtime/tensor.js'
import { createFeatureOp } from '../../../src/tasks/features/feature-op.js'
import { featureExtractorSpec } from '../../../src/tasks/features/feature-extractor.js'
import { createImage, type Image } from '../../../src/vision/image.js'
import { float32 } from '../../helpers/tensor-info.js'

const MANIFEST = (size: number) => `name: fake_features
model: model.onnx
feeds:
  - { name: pixels, alias: image, shape: [-1, 3, 8, 8] }
fetches:
  - { name: map, alias: features_1, shape: [-1, 2, 8, 8] }
  - { name: vec, alias: features_2, shape: [-1, 1] }
channel_order: rgb
preprocess:
  - ResizeImage: { size: ${size} }
  - NormalizeImage: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }
  - ToCHWImage:
postprocess:
  - FeaturePool: { type: avg, bands: 2 }
`

/** map = the red and green planes; vec = mean blue; records every batch size it ran. */
function fakeSession(batches: number[]): ModelSession {
  return {
    inputs: [float32('pixels', [-1, 3, 8, 8])],
    outputs: [float32('map', [-1, 2, 8, 8]), float32('vec', [-1, 1])],
    async run(feeds): Promise<Record<string, Tensor>> {
      const input = feeds.pixels!
      const n = input.dims[0]!
      batches.push(n)
      const plane = 64
      const map = new Float32Array(n * 2 * plane)
      const vec = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        map.set(input.data.subarray(i * 3 * plane, i * 3 * plane + 2 * plane), i * 2 * plane)
        vec[i] = input.data.subarray(i * 3 * plane + 2 * plane, (i + 1) * 3 * plane).reduce((a, b) => a + b, 0) / plane
      }
      return { map: { data: map, dims: [n, 2, 8, 8] }, vec: { data: vec, dims: [n, 1] } }
    },
    close: async () => {},
  }
}

/** A solid-colour image; rows below `split` get `bottom` in the red channel. */
function solid(rgb: [number, number, number], bottom = rgb[0], split = 4): Image {
  const img = createImage(8, 8)
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) img.data.set([y < split ? rgb[0] : bottom, rgb[1], rgb[2]], (y * 8 + x) * 3)
  return img
}

describe('feature op', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-features-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  async function pkgWith(name: string, size: number) {
    await mkdir(path.join(dir, name))
    await writeFile(path.join(dir, name, 'manifest.yml'), MANIFEST(size).replace('fake_features', name))
    return loadModelPackage(path.join(dir, name))
  }

  test('hand-computed vectors; crops of concurrent requests share batches', async () => {
    const pkg = await pkgWith('fake_features', 8)
    const spec = featureExtractorSpec(pkg)
    assert.equal(spec.head.dim, 2 * 2 + 1)
    assert.deepEqual(spec.head.segments, [4, 1])
    const batches: number[] = []
    const engine = new Engine()
    const handle = engine.register(createFeatureOp('features:fake', Model.attach(pkg, fakeSession(batches)), spec), { batchSize: 4, batchTimeoutMs: 50, concurrency: 1, queueSize: 16 })
    const ask = (images: Image[]) => engine.serve('features', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run({ images }, ctx))
    const [first, second] = await Promise.all([ask([solid([3, 4, 7]), solid([0, 0, 9])]), ask([solid([1, 2, 5], 2), solid([6, 8, 1])])])
    assert.deepEqual(batches, [4])
    assert.equal(first!.length, 2)
    assert.equal(second!.length, 2)
    const s = Math.SQRT1_2
    // [3,4,7]: tap 1 bands (top, bottom) × (red, green) = [3,4,3,4] → /√50; tap 2 [7] → [1]; whole /√2.
    const expected = [[3, 4, 3, 4].map((v) => (v / Math.sqrt(50)) * s), [s]].flat()
    first![0]!.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${[...first![0]!]}`))
    // Black red/green: tap 1 is all zero and stays zero, so after the final L2 the blue tap is all.
    assert.deepEqual([...first![1]!], [0, 0, 0, 0, 1])
    // Red 1 on top, 2 below: bands [1, 2, 2, 2] → /√13.
    const third = [[1, 2, 2, 2].map((v) => (v / Math.sqrt(13)) * s), [s]].flat()
    second![0]!.forEach((v, i) => assert.ok(Math.abs(v - third[i]!) < 1e-6, `${[...second![0]!]}`))
    for (const v of [...first!, ...second!]) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6)
    await engine.stop()
  })

  test('a preprocess that does not produce the feed size is refused at load', async () => {
    const pkg = await pkgWith('wrong_size', 16)
    assert.throws(() => featureExtractorSpec(pkg), (e: unknown) => e instanceof ConfigError && /produces 16×16, the feed "image" needs 8×8/.test(e.message))
  })
})
