/**
 * Who may change a gallery. The access check runs before anything else, so these tests need no
 * models: with a token, a missing one is 401 and a wrong one 403; without a token, only loopback
 * clients get past it (a client on the machine's own network address is refused).
 */
import assert from 'node:assert/strict'
import os from 'node:os'
import { after, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

const TOKEN = 'a-long-enough-gallery-token'
const recognizeOnly = (token: string | null, host = '127.0.0.1') => ({
  server: { host },
  services: { ocr: { enabled: false }, classify: { enabled: false }, recognize: { gallery: { token }, build_missing: null } },
})

function externalAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return undefined
}

const add = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/gallery/drink/items?label=x`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...headers }, body: new Uint8Array([1, 2, 3]) })

describe('gallery write access', () => {
  const servers: TestServer[] = []
  after(async () => {
    for (const s of servers) await s.close()
  })

  it('with a token: none → 401 with WWW-Authenticate, wrong → 403, right → past the check', async () => {
    const server = await startTestServer(recognizeOnly(TOKEN))
    servers.push(server)
    const missing = await add(server.url)
    assert.equal(missing.status, 401)
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer')
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'unauthorized')
    assert.equal((await add(server.url, { authorization: 'Bearer wrong-token-wrong-token' })).status, 403)
    const allowed = await add(server.url, { authorization: `Bearer ${TOKEN}` })
    assert.notEqual(allowed.status, 401)
    assert.notEqual(allowed.status, 403)
    const deleted = await fetch(`${server.url}/gallery/drink/items/1`, { method: 'DELETE' })
    assert.equal(deleted.status, 401, 'deletes are protected too')
  })

  it('without a token: loopback clients pass, others get 403', { skip: externalAddress() ? false : 'no non-loopback IPv4 address on this machine' }, async () => {
    const server = await startTestServer(recognizeOnly(null, '0.0.0.0'))
    servers.push(server)
    const port = new URL(server.url).port
    const local = await add(`http://127.0.0.1:${port}`)
    assert.notEqual(local.status, 403)
    const remote = await add(`http://${externalAddress()}:${port}`)
    assert.equal(remote.status, 403)
    assert.match(((await remote.json()) as { error: { message: string } }).error.message, /only be changed from this machine/)
    const read = await fetch(`http://${externalAddress()}:${port}/gallery/drink`)
    assert.notEqual(read.status, 403, 'reading is open')
  })

  it('gallery routes are engine requests: counted, and refused once the engine stops', async () => {
    const server = await startTestServer(recognizeOnly(TOKEN))
    servers.push(server)
    const auth = { authorization: `Bearer ${TOKEN}` }
    assert.equal((await fetch(`${server.url}/gallery/no-such-index`)).status, 404)
    assert.equal((await fetch(`${server.url}/gallery/no-such-index/items/1`, { method: 'DELETE', headers: auth })).status, 404)
    const counted = server.services.engine.tracer.snapshot().services.gallery
    assert.equal(counted?.count, 2)
    assert.equal(counted?.successRatio, 0)
    await server.services.engine.stop()
    for (const request of [
      fetch(`${server.url}/gallery/drink`),
      fetch(`${server.url}/gallery/drink/items/1`, { method: 'DELETE', headers: auth }),
      fetch(`${server.url}/gallery/drink/items?label=x`, { method: 'DELETE', headers: auth }),
    ]) {
      const response = await request
      assert.equal(response.status, 503)
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'cancelled')
    }
  })

  it('refuses a configured token shorter than 16 characters at start-up', async () => {
    await assert.rejects(startTestServer(recognizeOnly('short')), /gallery\.token: .*16/)
  })
})
