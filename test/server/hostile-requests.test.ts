/**
 * Hostile requests beyond JSON: extreme aspect ratios with every limit_type (a derived tensor over
 * limits.max_image_pixels is a 400 naming the limit, never a multi-gigabyte allocation), multipart
 * bodies of 100,000 parts (refused without stalling other clients), images sent as multipart text
 * fields, clients that disconnect mid-request (a debug line, not an "unhandled error"), and gallery
 * labels with control or bidi-override characters.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it, mock } from 'node:test'
import sharp from 'sharp'
import { log } from '../../src/util/log.js'
import { smallJpeg } from '../helpers/bad-images.js'
import { startFakeOcrServer } from '../helpers/fake-ocr-server.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

const png = async (width: number, height: number) =>
  new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#7f7f7f' } }).png().toBuffer())

async function timed(url: string, init: RequestInit) {
  const started = performance.now()
  const response = await fetch(url, init)
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, body, ms: performance.now() - started }
}

describe('hostile requests', () => {
  let server: TestServer
  let wide: Uint8Array
  let tall: Uint8Array
  let jpeg: Uint8Array
  before(async () => {
    server = await startFakeOcrServer()
    ;[wide, tall, jpeg] = await Promise.all([png(8000, 4), png(4, 8000), smallJpeg()])
  })
  after(() => server?.close())

  const raw = (bytes: Uint8Array, query: string) => timed(`${server.url}/ocr?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes })
  const errorOf = (body: Record<string, unknown>) => body.error as { code: string; message: string }

  describe('extreme aspect ratios, every limit_type', () => {
    for (const [name, image] of [['8000×4', () => wide], ['4×8000', () => tall]] as const) {
      it(`${name}, limit_type min → 400 naming limits.max_image_pixels, within 1 s`, async () => {
        const answer = await raw(image(), 'limit_type=min')
        assert.equal(answer.status, 400, JSON.stringify(answer.body))
        assert.equal(errorOf(answer.body).code, 'invalid_input')
        assert.match(errorOf(answer.body).message, /text detection input .* would be (1920000×960|960×1920000) \(1843200000 pixels\), over limits\.max_image_pixels \(40000000 pixels\)/)
        assert.match(errorOf(answer.body).message, /limit_type min/)
        assert.ok(answer.ms < 1000, `${answer.ms.toFixed(0)} ms`)
      })

      for (const query of ['limit_type=max', 'limit_type=max&limit_side_len=4096', 'limit_type=min&limit_side_len=32', 'det=false']) {
        it(`${name}, ${query} → 200 (bounded), within 1 s`, async () => {
          const answer = await raw(image(), query)
          assert.equal(answer.status, 200, JSON.stringify(answer.body))
          assert.ok(answer.ms < 1000, `${answer.ms.toFixed(0)} ms`)
        })
      }
    }

    it('each protocol refuses it in its envelope', async () => {
      const b64 = Buffer.from(wide).toString('base64')
      const json = { 'content-type': 'application/json' }
      const hub = await timed(`${server.url}/predict/ocr_system`, { method: 'POST', headers: json, body: JSON.stringify({ images: [b64], limit_type: 'min' }) })
      assert.equal(hub.body.status, '101')
      assert.match(String(hub.body.msg), /limits\.max_image_pixels/)
      const pipeline = await timed(`${server.url}/ocr/prediction`, { method: 'POST', body: JSON.stringify({ key: ['image', 'limit_type'], value: [b64, 'min'] }) })
      assert.equal(pipeline.body.err_no, 5000)
      assert.match(String(pipeline.body.err_msg), /limits\.max_image_pixels/)
      const paddlex = await timed(`${server.url}/ocr`, { method: 'POST', headers: json, body: JSON.stringify({ file: b64, fileType: 1, textDetLimitType: 'min' }) })
      assert.equal(paddlex.status, 400)
      assert.equal(paddlex.body.errorCode, 400)
      assert.match(String(paddlex.body.errorMsg), /limits\.max_image_pixels/)
    })
  })

  describe('multipart', () => {
    it('100,000 parts → 400 within 1 s, and other clients are not stalled meanwhile', async () => {
      const boundary = 'hostileBoundary'
      const part = (i: number) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`
      const body = Array.from({ length: 100_000 }, (_, i) => part(i)).join('') + `--${boundary}--\r\n`
      const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` }
      let done = false
      const big = timed(`${server.url}/ocr`, { method: 'POST', headers, body }).finally(() => (done = true))
      let slowest = 0
      while (!done) {
        const started = performance.now()
        await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer())
        slowest = Math.max(slowest, performance.now() - started)
      }
      const answer = await big
      assert.equal(answer.status, 400)
      assert.match(errorOf(answer.body).message, /more than 48 parts; at most 16 files \(limits\.max_images_per_request\) and 32 other fields/)
      assert.ok(answer.ms < 1000, `${answer.ms.toFixed(0)} ms`)
      assert.ok(slowest < 300, `a health check waited ${slowest.toFixed(0)} ms`)
    })

    it('files and option fields within the limit still work', async () => {
      const form = new FormData()
      form.append('image', new Blob([jpeg], { type: 'image/jpeg' }), 'a.jpg')
      form.append('image', new Blob([jpeg], { type: 'image/jpeg' }), 'b.jpg')
      form.append('det', 'true')
      const answer = await timed(`${server.url}/ocr`, { method: 'POST', body: form })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal((answer.body.results as unknown[]).length, 2)
    })

    it('an image sent as a text field → 400 saying to attach it as a file', async () => {
      const base64 = new FormData()
      base64.append('image', Buffer.from(jpeg).toString('base64'))
      const asText = await timed(`${server.url}/ocr`, { method: 'POST', body: base64 })
      assert.equal(asText.status, 400)
      assert.match(errorOf(asText.body).message, /field "image" is a text field, not a file: attach the image as a file/)
      // curl -F photo=<a.jpg: the JPEG's bytes in a part without a filename.
      const boundary = 'b0undary'
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"\r\n\r\n`),
        jpeg,
        Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        jpeg,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
      const bytes = await timed(`${server.url}/ocr`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body })
      assert.equal(bytes.status, 400)
      assert.match(errorOf(bytes.body).message, /field "photo" is a text field, not a file: attach the image as a file/)
    })
  })

  describe('a client that disconnects mid-request', () => {
    for (const [route, headers] of [
      ['/ocr', 'Content-Type: image/jpeg'],
      ['/ocr/prediction', 'Content-Type: application/json'],
      ['/predict/ocr_system', 'Content-Type: application/json'],
    ] as const) {
      it(`${route}: logged at debug as cancelled, not as an unhandled error`, async () => {
        const errors = mock.method(log, 'error', () => {})
        const debug = mock.method(log, 'debug', () => {})
        try {
          const { port } = new URL(server.url)
          const socket = net.connect(Number(port), '127.0.0.1')
          await new Promise((resolve) => socket.once('connect', resolve))
          socket.write(`POST ${route} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\nContent-Length: 100000\r\n\r\n` + '{'.repeat(1000))
          await new Promise((resolve) => setTimeout(resolve, 100))
          socket.destroy()
          const cancelled = () => debug.mock.calls.some((call) => /cancelled.*client closed the connection/.test(String(call.arguments[0])))
          for (let waited = 0; !cancelled() && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
          assert.ok(cancelled(), `debug lines: ${JSON.stringify(debug.mock.calls.map((c) => c.arguments[0]))}`)
          assert.deepEqual(errors.mock.calls.map((c) => c.arguments[0]), [])
        } finally {
          errors.mock.restore()
          debug.mock.restore()
        }
        assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
      })
    }
  })
})

describe('gallery labels with control or bidi characters', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ services: { ocr: { enabled: false }, classify: { enabled: false }, recognize: { gallery: { token: null }, build_missing: null } } })
  })
  after(() => server?.close())

  for (const [label, codePoint] of [
    ['ab\u202ecd', 'U+202E'],
    ['\u2066x\u2069', 'U+2066'],
    ['a\u200fb', 'U+200F'],
    ['bell\u0007', 'U+0007'],
    ['c1\u0085', 'U+0085'],
    ['del\u007f', 'U+007F'],
  ]) {
    it(`${codePoint} → 400 naming it, before any model work`, async () => {
      const image = Buffer.from(await smallJpeg()).toString('base64')
      const answer = await timed(`${server.url}/gallery/drink/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image, label }) })
      assert.equal(answer.status, 400, JSON.stringify(answer.body))
      assert.equal((answer.body.error as { code: string }).code, 'invalid_input')
      assert.match((answer.body.error as { message: string }).message, new RegExp(`invalid label .*${codePoint.replace('+', '\\+')}`))
    })
  }
})
