/** POST /ocr accepts the same image in all three forms and answers the same, one list per image. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'

interface OcrBody {
  results: Array<Array<{ text?: string; confidence?: number; text_region?: number[][] }>>
}

describe('POST /ocr input forms', { skip: needsSharedAssets }, () => {
  let server: TestServer
  let word1: Buffer
  let word4: Buffer
  before(async () => {
    server = await startTestServer({ services: { classify: { enabled: false }, recognize: { enabled: false } } })
    word1 = await readFile(asset('images/ocr/imgs_words/ch/word_1.jpg'))
    word4 = await readFile(asset('images/ocr/imgs_words/ch/word_4.jpg'))
  })
  after(() => server?.close())

  async function post(path: string, init: RequestInit): Promise<OcrBody> {
    const response = await fetch(server.url + path, { method: 'POST', ...init })
    assert.equal(response.status, 200, await response.clone().text())
    assert.match(response.headers.get('server-timing') ?? '', /rec-midp;dur=/)
    assert.ok(response.headers.get('x-request-id'))
    return (await response.json()) as OcrBody
  }

  it('raw image bytes, options in the query', async () => {
    const body = await post('/ocr?det=false', { headers: { 'content-type': 'image/jpeg' }, body: word1 })
    assert.equal(body.results.length, 1)
    assert.equal(body.results[0]![0]!.text, '韩国小馆')
  })

  it('JSON {image} with options beside it', async () => {
    const body = await post('/ocr', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: word1.toString('base64'), det: false }),
    })
    assert.equal(body.results[0]![0]!.text, '韩国小馆')
  })

  it('JSON {images: [...]} returns one result list per image, in order', async () => {
    const body = await post('/ocr', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images: [word4.toString('base64'), `data:image/jpeg;base64,${word1.toString('base64')}`], det: 'false' }),
    })
    assert.deepEqual(
      body.results.map((lines) => lines[0]!.text),
      ['实力活力', '韩国小馆'],
    )
  })

  it('multipart with several files and an option field', async () => {
    const form = new FormData()
    form.append('image', new Blob([word1], { type: 'image/jpeg' }), 'word_1.jpg')
    form.append('image', new Blob([word4], { type: 'image/jpeg' }), 'word_4.jpg')
    form.append('det', 'false')
    const body = await post('/ocr', { body: form })
    assert.deepEqual(
      body.results.map((lines) => lines[0]!.text),
      ['韩国小馆', '实力活力'],
    )
  })

  it('full pipeline over HTTP returns text, confidence and a 4-point text_region per line', async () => {
    const body = await post('/ocr', { headers: { 'content-type': 'image/jpeg' }, body: await readFile(asset('images/ocr/imgs/11.jpg')) })
    const lines = body.results[0]!
    assert.ok(lines.length >= 15)
    for (const line of lines) {
      assert.equal(typeof line.text, 'string')
      assert.ok(line.confidence! >= 0.5 && line.confidence! <= 1)
      assert.equal(line.text_region!.length, 4)
      assert.ok(line.text_region!.every((p) => p.length === 2 && p.every(Number.isInteger)))
    }
  })

  it('/readyz lists the three loaded models', async () => {
    const response = await fetch(server.url + '/readyz')
    assert.equal(response.status, 200)
    const body = (await response.json()) as { ready: boolean; models: Array<{ name: string; state: string }> }
    assert.equal(body.ready, true)
    assert.deepEqual(body.models.map((m) => `${m.name}:${m.state}`).sort(), [
      'ppocr_mobile_v2_cls:ready',
      'ppocrv4_det:ready',
      'ppocrv4_rec:ready',
    ])
  })
})
