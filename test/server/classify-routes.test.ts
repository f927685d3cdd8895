/**
 * POST /classify with a classifier whose tensors have other names (feed x, fetch
 * softmax_0.tmp_0): served from its manifest alone. Also topk validation, unknown and missing
 * models, and batching of concurrent requests.
 */
import assert from 'node:assert/strict'
import { readFile, rm } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import { smallJpeg } from '../helpers/bad-images.js'
import { textDirectionModelsDir } from '../helpers/classifier-package.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'
import { float32 } from '../helpers/tensor-info.js'

interface ClassifyBody {
  model: string
  results: Array<{ class_ids: number[]; scores: number[]; label_names: string[]; label: string; prob: number }>
}

const classifyConfig = (dir: string, extra: Record<string, unknown> = {}) => ({
  models: { dir },
  services: { ocr: { enabled: false }, classify: { default_model: 'text_direction', ...extra } },
})

const post = (url: string, path: string, body: Uint8Array) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body })

describe('POST /classify', () => {
  let dir: string
  let server: TestServer
  before(async () => {
    dir = await textDirectionModelsDir()
    server = await startTestServer(classifyConfig(dir))
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves a renamed model from its manifest: upright text is 0, turned text 180', { skip: needsSharedAssets }, async () => {
    const upright = await readFile(asset('images/ocr/imgs_words/ch/word_4.jpg'))
    const turned = await sharp(upright).rotate(180).jpeg().toBuffer()
    for (const [bytes, expected] of [
      [upright, '0'],
      [turned, '180'],
    ] as const) {
      const response = await post(server.url, '/classify', new Uint8Array(bytes))
      assert.equal(response.status, 200)
      const body = (await response.json()) as ClassifyBody
      assert.equal(body.model, 'text_direction')
      assert.equal(body.results[0]!.label, expected)
      assert.ok(body.results[0]!.prob > 0.5)
    }
  })

  it('returns PaddleClas fields: sorted scores summing to ≤ 1, labels, top-1 label and prob', async () => {
    const response = await post(server.url, '/classify/text_direction?topk=2', await smallJpeg())
    const [result] = ((await response.json()) as ClassifyBody).results
    assert.equal(result!.class_ids.length, 2)
    assert.deepEqual([...result!.class_ids].sort(), [0, 1])
    assert.ok(result!.scores[0]! >= result!.scores[1]!)
    assert.ok(result!.scores[0]! + result!.scores[1]! <= 1.00001)
    assert.deepEqual(result!.label_names, result!.class_ids.map((id) => ['0', '180'][id]))
    assert.equal(result!.label, result!.label_names[0])
    assert.equal(result!.prob, result!.scores[0])
  })

  it('rejects topk outside 1–20 with 422', async () => {
    for (const topk of ['0', '21', 'many']) {
      const response = await post(server.url, `/classify?topk=${topk}`, await smallJpeg())
      assert.equal(response.status, 422, `topk=${topk}`)
    }
  })

  it('answers 404 for a model that is not configured', async () => {
    const response = await post(server.url, '/classify/resnet9000', await smallJpeg())
    assert.equal(response.status, 404)
    assert.match(((await response.json()) as { error: { message: string } }).error.message, /resnet9000.*configured: text_direction/)
  })
})

describe('classifier scheduling', () => {
  it('batches concurrent requests for the same model (fake model records batch sizes)', async () => {
    const dir = await textDirectionModelsDir()
    const batches: number[] = []
    const slow: SessionFactory = async () => ({
      inputs: [float32('x', [-1, 3, -1, -1])],
      outputs: [float32('softmax_0.tmp_0', [-1, 2])],
      async run(feeds) {
        const n = feeds.x!.dims[0]!
        batches.push(n)
        await new Promise((resolve) => setTimeout(resolve, 100))
        return { 'softmax_0.tmp_0': { data: new Float32Array(n * 2).fill(0.5), dims: [n, 2] } }
      },
      close: async () => {},
    })
    const server = await startTestServer(classifyConfig(dir, { ops: { batch_size: 4 } }), { sessionFactory: slow })
    try {
      const image = await smallJpeg()
      const responses = await Promise.all(Array.from({ length: 9 }, () => post(server.url, '/classify', image)))
      assert.deepEqual(responses.map((r) => r.status), Array(9).fill(200))
      assert.equal(batches.reduce((a, b) => a + b, 0), 9)
      assert.ok(Math.max(...batches) > 1 && Math.max(...batches) <= 4, `batches ${batches}`)
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a missing classifier: the server starts, /readyz names it, /classify answers 503', async () => {
    const dir = await textDirectionModelsDir()
    const server = await startTestServer(classifyConfig(dir, { default_model: 'googlenet_v1' }), {})
    try {
      const ready = await fetch(server.url + '/readyz')
      assert.equal(ready.status, 503)
      const response = await post(server.url, '/classify', await smallJpeg())
      assert.equal(response.status, 503)
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'model_not_ready')
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
