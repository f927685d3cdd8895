/**
 * PaddleX's PP-ShiTuV2 operations over the recognize task and its galleries, with real models and
 * a faiss gallery built from the drink dataset: /shitu-infer recognises a gallery photo as its
 * label, and /shitu-index-build, -add, -remove make and change a gallery named by its indexKey.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { faissUnavailableReason } from '../../../src/retrieval/faiss-loader.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { createRecognitionEnv, GALLERY_ROOT, recognitionConfig, type RecognitionEnv } from '../../helpers/recognition-env.js'
import { needsSharedAssets } from '../../helpers/shared-assets.js'

const faissMissing = faissUnavailableReason()
if (faissMissing && process.env.CI === 'true') throw new Error(`CI=true but faiss is unavailable: ${faissMissing}`)
const skip = needsSharedAssets || (faissMissing ? `faiss unavailable: ${faissMissing}` : false)

interface Envelope<T> {
  logId: string
  errorCode: number
  errorMsg: string
  result: T
}

interface InferResult {
  detectedObjects: Array<{ bbox: number[]; recResults: Array<{ label: string; score: number }>; score: number }>
  image: string | null
}

describe('PaddleX PP-ShiTuV2 operations', { skip, timeout: 300_000 }, () => {
  let env: RecognitionEnv
  let server: TestServer
  const photo = async (line: number) => (await readFile(path.join(GALLERY_ROOT, env.lines[line]![0]))).toString('base64')

  before(async () => {
    env = await createRecognitionEnv(240)
    server = await startTestServer(recognitionConfig(env))
  })
  after(async () => {
    await server?.close()
    await env?.remove()
  })

  async function post<T>(operation: string, body: unknown, expected = 200): Promise<Envelope<T>> {
    const response = await fetch(`${server.url}/${operation}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const text = await response.text()
    assert.equal(response.status, expected, text)
    const envelope = JSON.parse(text) as Envelope<T>
    assert.equal(envelope.errorCode, expected === 200 ? 0 : expected)
    return envelope
  }

  it('/shitu-infer recognises drink gallery photos as their labels, in PaddleX fields', async () => {
    for (const line of [0, 150]) {
      const { result } = await post<InferResult>('shitu-infer', { image: await photo(line) })
      const [best] = result.detectedObjects
      assert.ok(best, `line ${line}: nothing recognised`)
      assert.equal(best.recResults[0]!.label, env.lines[line]![1])
      assert.ok(best.recResults.every((hit) => hit.score >= 0.35))
      assert.ok(best.recResults.length <= 5)
      assert.equal(best.bbox.length, 4)
      assert.ok(best.score > 0 && best.score <= 1)
      assert.equal((await sharp(Buffer.from(result.image!, 'base64')).metadata()).format, 'jpeg')
    }
  })

  it('maps topk, recThreshold and visualize; refuses hammingRadius and unknown indexes', async () => {
    const image = await photo(0)
    const { result } = await post<InferResult>('shitu-infer', { image, topk: 2, recThreshold: 0.1, visualize: false, indexKey: null })
    assert.ok(result.detectedObjects[0]!.recResults.length <= 2)
    assert.equal(result.image, null)
    assert.match((await post('shitu-infer', { image, hammingRadius: 3 }, 422)).errorMsg, /hammingRadius/)
    assert.match((await post('shitu-infer', { image, recThreshold: 2 }, 422)).errorMsg, /recThreshold/)
    assert.match((await post('shitu-infer', { image, indexKey: 'no-such-index' }, 404)).errorMsg, /no-such-index/)
  })

  it('/shitu-index-build makes a gallery named by indexKey; -add and -remove change it', async () => {
    const pairs = await Promise.all([0, 1, 150].map(async (line) => ({ image: await photo(line), label: env.lines[line]![1] })))
    const built = await post<{ indexKey: string; idMap: Record<string, string> }>('shitu-index-build', { imageLabelPairs: pairs.slice(0, 2) })
    const { indexKey } = built.result
    assert.match(indexKey, /^[0-9a-f-]{36}$/)
    assert.deepEqual(built.result.idMap, { 0: pairs[0]!.label, 1: pairs[1]!.label })

    const added = await post<{ idMap: Record<string, string> }>('shitu-index-add', { indexKey, imageLabelPairs: [pairs[2]] })
    assert.deepEqual(Object.values(added.result.idMap), pairs.map((p) => p.label))
    const inferred = await post<InferResult>('shitu-infer', { image: pairs[2]!.image, indexKey })
    assert.equal(inferred.result.detectedObjects[0]!.recResults[0]!.label, pairs[2]!.label)

    const removed = await post<{ idMap: Record<string, string> }>('shitu-index-remove', { indexKey, ids: [2] })
    assert.deepEqual(removed.result.idMap, { 0: pairs[0]!.label, 1: pairs[1]!.label })
    assert.equal((await post('shitu-index-remove', { indexKey, ids: [99] }, 404)).errorCode, 404)
    assert.match((await post('shitu-index-add', { indexKey, imageLabelPairs: [{ image: pairs[0]!.image, label: '' }] }, 400)).errorMsg, /label/)
    assert.match((await post('shitu-index-build', { imageLabelPairs: [] }, 422)).errorMsg, /imageLabelPairs/)
  })
})
