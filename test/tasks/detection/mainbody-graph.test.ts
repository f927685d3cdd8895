/**
 * The PP-ShiTu mainbody detector's package end to end without its weights: the graph-only
 * picodet_PPLCNet_x2_5_mainbody_lite_v1.0 is converted with random weights, using the fetches
 * and aliases of models/picodet_mainbody/manifest.yml, and the detection op then runs on its
 * [N,H,W,1] / [N,H,W,32] heads. Random weights give arbitrary boxes: this checks shapes,
 * names, batching and decoding, not accuracy.
 */
import assert from 'node:assert/strict'
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { convertModel } from '../../../src/convert/convert-model.js'
import { Engine } from '../../../src/engine/index.js'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage, type ModelPackage } from '../../../src/runtime/model-package.js'
import { createOrtSession } from '../../../src/runtime/ort-session.js'
import type { ModelSession } from '../../../src/runtime/session.js'
import { DEFAULT_SESSION_OPTIONS } from '../../../src/runtime/session.js'
import { createDetectOp } from '../../../src/tasks/detection/detect-op.js'
import { loadDetectorSpec } from '../../../src/tasks/detection/detector-spec.js'
import { MainbodyDetector } from '../../../src/tasks/detection/mainbody.js'
import type { Detection } from '../../../src/tasks/detection/picodet-postprocess.js'
import { decodeImage } from '../../../src/vision/decode.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../../helpers/shared-assets.js'

const GRAPH = 'paddle/graph_only/picodet_PPLCNet_x2_5_mainbody_lite_v1.0_infer'

describe('picodet_mainbody package on the graph-only model with random weights', { skip: needsSharedAssets }, () => {
  let dir: string
  let pkg: ModelPackage
  let model: Model
  const calls: number[] = []

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-mainbody-'))
    const shipped = await loadModelPackage(path.join(PROJECT_ROOT, 'models/picodet_mainbody'))
    const out = path.join(dir, 'picodet_mainbody')
    await convertModel({
      dirname: asset(GRAPH),
      out,
      randomWeights: true,
      fetch: shipped.manifest.source!.convert!.fetch!,
      fetchAliases: new Map(shipped.manifest.fetches.map((f) => [f.name, f.alias])),
      feedAliases: new Map([['image', 'image']]),
      progress: () => {},
    })
    // The shipped manifest (preprocess, PicoDetDecode) over the converted model.
    await copyFile(path.join(shipped.dir, 'manifest.yml'), path.join(out, 'manifest.yml'))
    pkg = await loadModelPackage(out)
    const session = await createOrtSession(pkg.modelPath, DEFAULT_SESSION_OPTIONS)
    const counting: ModelSession = { ...session, run: (feeds) => (calls.push(feeds.image!.dims[0]!), session.run(feeds)) }
    model = Model.attach(pkg, counting) // every manifest feed and fetch is a real tensor of the converted graph
  })
  after(async () => {
    await model?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('the shipped manifest loads as a detector: 640×640, dynamic batch, one label, class-agnostic', async () => {
    const spec = await loadDetectorSpec(pkg)
    assert.deepEqual(spec.input, { width: 640, height: 640 })
    assert.equal(spec.maxBatch, Infinity)
    assert.deepEqual(spec.labels, ['foreground'])
    assert.equal(spec.params.classAgnostic, true)
    assert.deepEqual(spec.params.strides, [8, 16, 32, 64])
  })

  it('decodes the heads of a batch of photos in one model call; boxes are well-formed, in the original image', async () => {
    const engine = new Engine()
    const op = engine.register(createDetectOp('detect:mainbody', model, await loadDetectorSpec(pkg)), { batchSize: 4, batchTimeoutMs: 50, concurrency: 1, queueSize: 8 })
    const images = await Promise.all(['002.jpeg', '110.jpeg'].map(async (f) => decodeImage(await readFile(asset('drink_dataset_v1.0/test_images', f)), { maxPixels: 50e6, minSide: 8 })))
    calls.length = 0
    const results: Detection[][] = await Promise.all(images.map((image) => engine.serve('mainbody', engine.createContext({ deadlineMs: 60_000 }), (ctx) => op.run({ image }, ctx))))
    assert.deepEqual(calls, [2])
    for (const [i, boxes] of results.entries()) {
      const { width, height } = images[i]!
      // Seeded random weights score every cell about 0.74, so NMS fills keep_top_k.
      assert.ok(boxes.length > 0 && boxes.length <= 100, `${boxes.length} boxes`)
      for (const [k, d] of boxes.entries()) {
        assert.equal(d.classId, 0)
        assert.equal(d.label, 'foreground')
        assert.ok(d.score > 0.025 && d.score <= 1)
        if (k > 0) assert.ok(boxes[k - 1]!.score >= d.score)
        const [x1, y1, x2, y2] = d.box
        assert.ok(x1 >= 0 && y1 >= 0 && x1 <= x2 && y1 <= y2 && x2 <= width + 1e-6 && y2 <= height + 1e-6, `[${d.box.join(', ')}] in ${width}×${height}`)
      }
      const selected = await engine.serve('mainbody', engine.createContext({ deadlineMs: 60_000 }), (ctx) => new MainbodyDetector(op).detect(images[i]!, ctx))
      assert.ok(selected.length >= 1 && selected.length <= 6)
      assert.deepEqual(selected.at(-1)!.box, [0, 0, width, height])
    }
    await engine.stop()
  })
})
