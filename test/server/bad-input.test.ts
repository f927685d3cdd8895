/**
 * Every malformed request gets its 4xx with a JSON error body within one second, and the server
 * keeps answering afterwards. Uses the real server and the real PP-OCRv4 models (from npm).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { onePixelPng, pngClaiming, smallJpeg, truncatedJpeg } from '../helpers/bad-images.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

describe('bad input over HTTP', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ limits: { max_body_bytes: 1024 * 1024 } })
  })
  after(() => server?.close())

  async function expectError(init: RequestInit & { path?: string }, status: number, code: string, message?: RegExp) {
    const started = performance.now()
    const response = await fetch(server.url + (init.path ?? '/ocr'), { method: 'POST', ...init })
    const elapsed = performance.now() - started
    const body = (await response.json()) as { error: { code: string; message: string } }
    assert.equal(response.status, status, JSON.stringify(body))
    assert.equal(body.error.code, code)
    if (message) assert.match(body.error.message, message)
    assert.ok(elapsed < 1000, `answered in ${elapsed.toFixed(0)} ms`)
    const health = await fetch(server.url + '/healthz')
    assert.equal(health.status, 200)
  }

  const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) })
  const raw = (bytes: Uint8Array | string, type = 'image/jpeg') => ({ headers: { 'content-type': type }, body: bytes })

  it('empty body → 400', () => expectError(raw(new Uint8Array(0)), 400, 'invalid_input', /empty/))
  it('empty body without Content-Type → 400', () => expectError({ body: '' }, 400, 'invalid_input', /empty/))
  it('truncated JPEG → 400', async () => expectError(raw(await truncatedJpeg()), 400, 'invalid_input', /decode/))
  it('a text file sent as text/plain → 415', () => expectError(raw('hello, world\n', 'text/plain'), 415, 'unsupported_media_type'))
  it('a text file sent as image/jpeg → 400', () => expectError(raw('hello, world\n'), 400, 'invalid_input', /decode/))
  it('a 1×1 image → 400', async () => expectError(raw(await onePixelPng(), 'image/png'), 400, 'invalid_input', /1×1/))
  it('a PNG whose header claims 30000×30000 → 400 before decoding', () =>
    expectError(raw(pngClaiming(30000, 30000), 'image/png'), 400, 'invalid_input', /pixel/))
  it('invalid base64 → 400', () => expectError(json({ image: 'not base64 at all!' }), 400, 'invalid_input', /base64/))
  it('base64 of a non-image → 400', () =>
    expectError(json({ image: Buffer.from('just text').toString('base64') }), 400, 'invalid_input', /decode/))
  it('JSON without image fields → 400', () => expectError(json({ img: 'abc' }), 400, 'invalid_input', /"image"/))
  it('JSON array instead of object → 400', () => expectError(json(['abc']), 400, 'invalid_input', /object/))
  it('"images" that is not an array → 400', () => expectError(json({ images: 'abc' }), 400, 'invalid_input', /array/))
  it('"images" with a non-string → 400', () => expectError(json({ images: [42] }), 400, 'invalid_input', /images\[0\]/))
  it('malformed JSON → 400', () => expectError({ headers: { 'content-type': 'application/json' }, body: '{"image": ' }, 400, 'invalid_input', /JSON/))
  it('multipart without a file → 400', () => {
    const form = new FormData()
    form.append('det', 'true')
    return expectError({ body: form }, 400, 'invalid_input', /no file/)
  })
  it('body over limits.max_body_bytes → 413', () => expectError(raw(new Uint8Array(2 * 1024 * 1024)), 413, 'payload_too_large'))
  it('option out of range → 422', async () =>
    expectError({ path: '/ocr?drop_score=2', ...raw(await smallJpeg()) }, 422, 'invalid_option', /drop_score/))
  it('unknown option → 422 naming it', async () =>
    expectError({ path: '/ocr?drop_scor=0.2', ...raw(await smallJpeg()) }, 422, 'invalid_option', /drop_scor/))
  it('det=false and rec=false together → 422', async () =>
    expectError(json({ image: Buffer.from(await smallJpeg()).toString('base64'), det: false, rec: false }), 422, 'invalid_option'))
  it('bad deadline_ms → 422', async () =>
    expectError({ path: '/ocr?deadline_ms=soon', ...raw(await smallJpeg()) }, 422, 'invalid_option', /deadline_ms/))
  it('unknown route → 404 JSON', async () => {
    const response = await fetch(server.url + '/nope')
    assert.equal(response.status, 404)
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found')
  })
})
