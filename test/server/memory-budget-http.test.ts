/**
 * The memory budget over HTTP (limits.memory_budget_mb, memory_wait_ms): a request's images are
 * admitted from their headers before decoding, by what the task will allocate for them — for OCR
 * mostly the detector's input, which the options can make huge.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { startFakeOcrServer } from '../helpers/fake-ocr-server.js'
import type { TestServer } from '../helpers/http-server.js'

const MB = 2 ** 20

describe('memory budget over HTTP', () => {
  let server: TestServer
  let jpeg: Uint8Array
  const delay = { ms: 0 }
  const ocr = (query = '') => fetch(`${server.url}/ocr${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg })

  before(async () => {
    // A 640×480 image needs ≈ 73 MB for OCR at the default limit_side_len 960 (its own size):
    // 70 MB for the detector's input and activations, 3 MB decoded and cropped. One fits in 100 MB, two do not.
    server = await startFakeOcrServer({ limits: { memory_budget_mb: 100, memory_wait_ms: 50 } }, delay)
    jpeg = await smallJpeg(640, 480)
  })
  after(() => server?.close())

  it('answers a request that fits, and holds nothing afterwards', async () => {
    const answer = await ocr()
    assert.equal(answer.status, 200, await answer.clone().text())
    assert.match(answer.headers.get('server-timing') ?? '', /memory-in;dur=/)
    assert.equal(server.services.engine.memory.stats().reservedBytes, 0)
  })

  it('refuses a second concurrent request with 503 and Retry-After once the wait runs out', async () => {
    delay.ms = 400
    try {
      const first = ocr()
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(server.services.engine.memory.stats().reservedBytes > 70 * MB, true, 'the first request holds its bytes')
      const t0 = performance.now()
      const second = await ocr()
      const ms = performance.now() - t0
      assert.equal(second.status, 503)
      assert.equal(second.headers.get('retry-after'), '1')
      const body = (await second.json()) as { error: { code: string; message: string } }
      assert.equal(body.error.code, 'overloaded')
      assert.match(body.error.message, /this image needs about 71 MB and the 100 MB budget .*limits\.memory_budget_mb/)
      assert.ok(ms < 400, `refused after the 50 ms wait, not after the first request (${ms.toFixed(0)} ms)`)
      assert.equal((await first).status, 200)
    } finally {
      delay.ms = 0
    }
    assert.equal(server.services.engine.memory.stats().reservedBytes, 0)
    assert.equal(server.services.engine.memory.stats().refused, 1)
  })

  it('refuses options that would need more than the whole budget with 413 naming the limit, before decoding', async () => {
    // limit_type min scales the short side up to 4096: a 5461×4096 detector input, about 5 GB.
    const answer = await ocr('?limit_type=min&limit_side_len=4096')
    assert.equal(answer.status, 413)
    const body = (await answer.json()) as { error: { code: string; message: string } }
    assert.match(body.error.message, /this image needs about \d+ MB of working memory .*limits\.memory_budget_mb is 100 MB/)
    assert.equal(server.services.engine.memory.stats().reservedBytes, 0)
  })

  it('counts every image of a request together', async () => {
    const form = new FormData()
    for (let i = 0; i < 2; i++) form.append('image', new Blob([jpeg], { type: 'image/jpeg' }), `${i}.jpg`)
    const answer = await fetch(`${server.url}/ocr`, { method: 'POST', body: form })
    assert.equal(answer.status, 413)
    assert.match(((await answer.json()) as { error: { message: string } }).error.message, /these 2 images needs about 14\d MB/)
  })
})
