/**
 * Hostile JSON on every route that reads JSON, each answered in its protocol's envelope: nesting
 * 100,000 levels deep is a 400 naming the limit (it used to overflow the stack → 500), and a 10 MB
 * bad value comes back as a short prefix in an error body under 4 KB (it used to be echoed whole).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { startFakeOcrServer } from '../helpers/fake-ocr-server.js'
import type { TestServer } from '../helpers/http-server.js'

const DEEP = '['.repeat(100_000) + '1' + ']'.repeat(100_000)
const BIG = 'x'.repeat(10 * 1024 * 1024)
const DEPTH_MESSAGE = /nested more than 64 levels deep/

interface Answer {
  status: number
  body: Record<string, unknown>
  bytes: number
}

describe('hostile JSON', () => {
  let server: TestServer
  let image: string
  before(async () => {
    server = await startFakeOcrServer()
    image = Buffer.from(await smallJpeg()).toString('base64')
  })
  after(() => server?.close())

  /** POSTs raw JSON text; every answer must come within a second and leave the server healthy. */
  async function post(route: string, text: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
    const started = performance.now()
    const response = await fetch(server.url + route, { method: 'POST', headers, body: text })
    const raw = await response.text()
    const elapsed = performance.now() - started
    assert.ok(elapsed < 1000, `${route} answered in ${elapsed.toFixed(0)} ms`)
    assert.equal((await fetch(server.url + '/healthz')).status, 200)
    return { status: response.status, body: JSON.parse(raw) as Record<string, unknown>, bytes: Buffer.byteLength(raw) }
  }
  const nativeError = (answer: Answer) => answer.body.error as { code: string; message: string }

  describe('nesting 100,000 levels deep → 400 naming the limit', () => {
    for (const key of ['deadline_ms', 'limit_side_len', 'limit_type', 'det', 'no_such_option', 'images']) {
      it(`native /ocr, in "${key}"`, async () => {
        const answer = await post('/ocr', `{"image": "${image}", "${key}": ${DEEP}}`)
        assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 300))
        assert.equal(nativeError(answer).code, 'invalid_input')
        assert.match(nativeError(answer).message, DEPTH_MESSAGE)
      })
    }

    it('native /ocr, the whole body', async () => {
      const answer = await post('/ocr', DEEP)
      assert.equal(answer.status, 400)
      assert.match(nativeError(answer).message, DEPTH_MESSAGE)
    })

    it('Paddle Serving: err_no 5000 in its envelope', async () => {
      const answer = await post('/ocr/prediction', `{"key": ["image"], "value": ["${image}"], "logid": ${DEEP}}`, {})
      assert.equal(answer.status, 200)
      assert.equal(answer.body.err_no, 5000)
      assert.match(String(answer.body.err_msg), DEPTH_MESSAGE)
    })

    it('PaddleHub: status 101 in its envelope', async () => {
      const answer = await post('/predict/ocr_system', `{"images": ["${image}"], "limit_side_len": ${DEEP}}`)
      assert.equal(answer.status, 200)
      assert.deepEqual([answer.body.status, answer.body.results], ['101', ''])
      assert.match(String(answer.body.msg), DEPTH_MESSAGE)
    })

    for (const route of ['/ocr', '/image-classification', '/shitu-infer']) {
      it(`PaddleX ${route}: errorCode 400 in its envelope`, async () => {
        const answer = await post(route, `{"file": "${image}", "image": "${image}", "textDetLimitSideLen": ${DEEP}}`)
        assert.equal(answer.status, 400)
        assert.equal(answer.body.errorCode, 400)
        assert.match(String(answer.body.errorMsg), DEPTH_MESSAGE)
      })
    }

    it('KServe v2 infer and repository index: 400 {"error"}', async () => {
      const infer = await post('/v2/models/ppocrv4_det/infer', `{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": ${DEEP}}]}`)
      assert.equal(infer.status, 400)
      assert.match(String(infer.body.error), DEPTH_MESSAGE)
      const index = await post('/v2/repository/index', `{"ready": ${DEEP}}`)
      assert.equal(index.status, 400)
      assert.match(String(index.body.error), DEPTH_MESSAGE)
    })

    it('64 levels in an option is an ordinary 422 for the option', async () => {
      const answer = await post('/ocr', `{"image": "${image}", "deadline_ms": ${'['.repeat(63)}1${']'.repeat(63)}}`)
      assert.equal(answer.status, 422)
      assert.match(nativeError(answer).message, /deadline_ms must be an integer/)
    })
  })

  describe('a 10 MB bad value → an error body under 4 KB quoting a prefix', () => {
    const small = (answer: Answer, message: string) => {
      assert.ok(answer.bytes < 4096, `error body is ${answer.bytes} bytes`)
      assert.match(message, /… \(10485760 characters\)/)
    }

    for (const [what, json] of [
      ['an option value', () => `{"image": "${image}", "limit_type": "${BIG}"}`],
      ['deadline_ms', () => `{"image": "${image}", "deadline_ms": "${BIG}"}`],
      ['an unknown option name', () => `{"image": "${image}", "${BIG}": 1}`],
    ] as const) {
      it(`native /ocr, ${what}: 422`, async () => {
        const answer = await post('/ocr', json())
        assert.equal(answer.status, 422)
        assert.equal(nativeError(answer).code, 'invalid_option')
        small(answer, nativeError(answer).message)
      })
    }

    it('Paddle Serving: a 10 MB key', async () => {
      const answer = await post('/ocr/prediction', `{"key": ["image", "${BIG}"], "value": ["${image}", "${image}"]}`, {})
      assert.equal(answer.body.err_no, 5000)
      small(answer, String(answer.body.err_msg))
    })

    it('PaddleHub: a 10 MB option value', async () => {
      const answer = await post('/predict/ocr_system', `{"images": ["${image}"], "limit_type": "${BIG}"}`)
      assert.equal(answer.body.status, '101')
      small(answer, String(answer.body.msg))
    })

    it('PaddleX: a 10 MB textDetLimitType', async () => {
      const answer = await post('/ocr', `{"file": "${image}", "fileType": 1, "textDetLimitType": "${BIG}"}`)
      assert.equal(answer.status, 422)
      small(answer, String(answer.body.errorMsg))
    })

    it('KServe: a 10 MB input name', async () => {
      const answer = await post('/v2/models/ppocrv4_det/infer', `{"inputs": [{"name": "${BIG}", "shape": [1], "datatype": "FP32", "data": [1]}]}`)
      assert.equal(answer.status, 400)
      small(answer, String(answer.body.error))
    })
  })

  // Plain assignment would take `__proto__` as the options object's prototype and drop it unseen.
  it('an option named __proto__ (JSON key, query, form field) is refused as unknown', async () => {
    const json = await post('/ocr', `{"image": "${image}", "__proto__": {"det": false}}`)
    const query = await post('/ocr?__proto__=1', `{"image": "${image}"}`)
    const form = new FormData()
    form.append('image', new Blob([Buffer.from(image, 'base64')], { type: 'image/jpeg' }), 'a.jpg')
    form.append('__proto__', '1')
    const multipart = await fetch(`${server.url}/ocr`, { method: 'POST', body: form })
    for (const answer of [json, query, { status: multipart.status, body: (await multipart.json()) as Record<string, unknown> }]) {
      assert.equal(answer.status, 422)
      assert.deepEqual(answer.body, { error: { code: 'invalid_option', message: 'invalid options: unknown option __proto__' } })
    }
  })
})
