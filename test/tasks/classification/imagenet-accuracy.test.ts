/**
 * Real ImageNet weights through the whole path a user takes: `models pull --mirror` of the
 * Caffe-converted GoogLeNet and SqueezeNet packages, then POST /classify/{model}.
 * The ILSVRC2012_val_00000010 photo (documented as Maltese dog, 153, for ResNet50_vd) is read as
 * a Persian cat (283) by GoogLeNet; 153 is in SqueezeNet's top 5 (see the closing notes).
 */
import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pullModel } from '../../../src/runtime/pull/index.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { asset, needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from '../../helpers/shared-assets.js'

interface Result {
  class_ids: number[]
  scores: number[]
  label_names: string[]
  label: string
  prob: number
}

const silent = { write: () => true, isTTY: false }

describe('ImageNet classifiers pulled from the mirror', { skip: needsSharedAssets }, () => {
  let dir: string
  let server: TestServer
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-imagenet-'))
    for (const name of ['googlenet_v1', 'squeezenet_v1.1']) {
      await mkdir(path.join(dir, name))
      await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(dir, name, 'manifest.yml'))
      await pullModel(name, { modelsDir: dir, mirror: SHARED_ASSETS, progress: silent, handleSignals: false })
    }
    server = await startTestServer({
      models: { dir },
      services: { ocr: { enabled: false }, classify: { default_model: 'googlenet_v1', models: ['squeezenet_v1.1'] } },
    })
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function classify(route: string, image: string, topk = 5): Promise<Result> {
    const response = await fetch(`${server.url}${route}?topk=${topk}`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: await readFile(asset('images/imagenet', image)),
    })
    assert.equal(response.status, 200)
    return ((await response.json()) as { results: Result[] }).results[0]!
  }

  it('googlenet_v1 ranks 178 (Weimaraner) first for ILSVRC2012_val_00020010', async () => {
    const result = await classify('/classify', 'ILSVRC2012_val_00020010.jpeg')
    assert.equal(result.class_ids[0], 178)
    assert.equal(result.label, 'Weimaraner')
    assert.ok(result.prob > 0.9)
  })

  it('googlenet_v1 ranks 57 (garter snake) first for ILSVRC2012_val_00006666, as documented for ResNet50_vd', async () => {
    const result = await classify('/classify', 'ILSVRC2012_val_00006666.JPEG')
    assert.equal(result.class_ids[0], 57)
    assert.ok(result.class_ids.every((id) => id >= 52 && id <= 68), `all snakes: ${result.class_ids}`)
  })

  it('topk=5 returns 5 sorted scores summing to ≤ 1 with their labels', async () => {
    const result = await classify('/classify', 'ILSVRC2012_val_00000010.jpeg', 5)
    assert.equal(result.class_ids.length, 5)
    assert.equal(result.label_names.length, 5)
    for (let i = 1; i < 5; i++) assert.ok(result.scores[i - 1]! >= result.scores[i]!)
    assert.ok(result.scores.reduce((a, b) => a + b, 0) <= 1)
    // Dog breeds and look-alikes, not a teddy bear or a towel (what the graph gives without LRN).
    assert.ok(result.class_ids.some((id) => id >= 151 && id <= 268), `a dog breed in ${result.class_ids}`)
  })

  it('squeezenet_v1.1 via /classify/{model} puts 153 (Maltese dog) in its top 5 and 178 first', async () => {
    const maltese = await classify('/classify/squeezenet_v1.1', 'ILSVRC2012_val_00000010.jpeg')
    assert.ok(maltese.class_ids.includes(153), `top 5 ${maltese.class_ids}`)
    const weimaraner = await classify('/classify/squeezenet_v1.1', 'ILSVRC2012_val_00020010.jpeg')
    assert.equal(weimaraner.class_ids[0], 178)
  })
})
