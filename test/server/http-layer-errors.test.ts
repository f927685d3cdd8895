/**
 * What the fuzz suite (test/fuzz) found below the routes: requests refused by Node's HTTP parser
 * (a URL over 16 KB) or by @hono/node-server (a backslash in the path) used to get an empty body,
 * not the JSON error envelope; and an answer given without reading the request body (unknown
 * route) kept the connection alive, so the client's next request on it stalled 500 ms and was
 * reset. Sent with node:http, which sends paths as they are.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { startFakeOcrServer } from '../helpers/fake-ocr-server.js'
import type { TestServer } from '../helpers/http-server.js'
import { send, type FuzzRequest } from '../fuzz/client.js'

const post = (path: string, body: Uint8Array, type = 'application/json'): FuzzRequest => ({ kind: 'test', method: 'POST', path, headers: { 'content-type': type }, body })

describe('errors below the routes', () => {
  let server: TestServer
  let agent: http.Agent
  let jpeg: Uint8Array
  before(async () => {
    server = await startFakeOcrServer()
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    jpeg = await smallJpeg()
  })
  after(async () => {
    agent?.destroy()
    await server?.close()
  })

  async function answered(request: FuzzRequest) {
    const answer = await send(server.url, request, 1000, agent)
    assert.equal(answer.outcome, 'answered', JSON.stringify(answer))
    if (answer.outcome !== 'answered') throw new Error('unreachable')
    return answer
  }

  it('a URL over 16 KB → 431 in the native envelope, and the next request works', async () => {
    const answer = await answered({ kind: 'test', method: 'GET', path: `/ocr?${'x'.repeat(20_000)}=1`, headers: {}, body: new Uint8Array() })
    assert.equal(answer.status, 431)
    const body = JSON.parse(answer.text) as { error: { code: string; message: string } }
    assert.equal(body.error.code, 'invalid_input')
    assert.match(body.error.message, /larger than the HTTP server accepts/)
    assert.equal((await answered(post('/ocr', jpeg, 'image/jpeg'))).status, 200)
  })

  it('a backslash in the path → 400 in the native envelope', async () => {
    const answer = await answered({ kind: 'test', method: 'GET', path: '/ocr\\..\\classify', headers: {}, body: new Uint8Array() })
    assert.equal(answer.status, 400)
    assert.match((JSON.parse(answer.text) as { error: { message: string } }).error.message, /malformed request target.*Backslash/)
  })

  for (const path of ['/nowhere', '/%2e%2e/prediction', '/v2/nowhere']) {
    it(`an unread 330 KB body (${path}) closes the connection: the next request is answered at once`, async () => {
      const refused = await answered(post(path, new Uint8Array(330_000).fill(0x41)))
      assert.equal(refused.status, 404)
      assert.equal(refused.headers.connection, 'close')
      const next = await answered(post('/ocr', jpeg, 'image/jpeg'))
      assert.equal(next.status, 200)
      assert.ok(next.ms < 200, `${next.ms.toFixed(0)} ms`)
    })
  }

  it('a body the route read keeps the connection alive', async () => {
    const answer = await answered(post('/ocr', jpeg, 'image/jpeg'))
    assert.equal(answer.status, 200)
    assert.notEqual(answer.headers.connection, 'close')
  })
})
