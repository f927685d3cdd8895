/** An image feed's geometry, read once for every task from manifest and model together. */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { geometryOfShape, imageInputGeometry } from '../../src/runtime/image-geometry.js'
import { Model } from '../../src/runtime/model.js'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import { float32 } from '../helpers/tensor-info.js'

describe('image geometry', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-geometry-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  async function modelWith(name: string, manifestShape: string, modelShape: number[]): Promise<Model> {
    await mkdir(path.join(dir, name))
    const manifest = `name: ${name}\nfeeds: [{ name: pixels, alias: image, shape: ${manifestShape} }]\nfetches: [{ name: y, alias: prediction, shape: [-1, 2] }]\n`
    await writeFile(path.join(dir, name, 'manifest.yml'), manifest)
    const session = { inputs: [float32('pixels', modelShape)], outputs: [float32('y', [-1, 2])], run: async () => ({}), close: async () => {} }
    return Model.attach(await loadModelPackage(path.join(dir, name)), session)
  }

  it('a batch-1 export: the model fixes the batch the manifest leaves open', async () => {
    const model = await modelWith('batch1', '[-1, 3, 224, 224]', [1, 3, 224, 224])
    assert.deepEqual(imageInputGeometry(model), { maxBatch: 1, channels: 3, height: 224, width: 224, dynamicAxes: [] })
  })

  it('a fully dynamic model narrowed by its manifest (the direction classifier)', async () => {
    const model = await modelWith('narrowed', '[-1, 3, 48, 192]', [-1, 3, -1, -1])
    assert.deepEqual(imageInputGeometry(model), { maxBatch: undefined, channels: 3, height: 48, width: 192, dynamicAxes: ['batch'] })
  })

  it('dynamic height and width stay dynamic (the text detector)', async () => {
    const model = await modelWith('detector', '[-1, 3, -1, -1]', [-1, 3, -1, -1])
    assert.deepEqual(imageInputGeometry(model, 'image'), { maxBatch: undefined, channels: 3, height: undefined, width: undefined, dynamicAxes: ['batch', 'height', 'width'] })
  })

  it('refuses a feed that is not [N, C, H, W], naming the package and the feed', async () => {
    const model = await modelWith('flat', '[-1, 768]', [-1, 768])
    assert.throws(() => imageInputGeometry(model), /model flat \(.*flat\/manifest\.yml\): feed "pixels" \(alias image\): an image feed must be 4-D \[N, C, H, W\], got \[-1, 768\]/)
    assert.throws(() => geometryOfShape([3, 224, 224], 'here'), /^ConfigError: here: an image feed must be 4-D/)
  })
})
