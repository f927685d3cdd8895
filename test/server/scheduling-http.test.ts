/**
 * How engine outcomes reach HTTP clients: a full queue → 503 with Retry-After at once, a deadline
 * → 504, a missing model → /readyz 503 naming it and /ocr 503. Fake sessions make timing exact.
 */
import assert from 'node:assert/strict'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { fakeOcrSessions } from '../helpers/fake-ocr-sessions.js'
import { startTestServer } from '../helpers/http-server.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const post = (url: string, body: Uint8Array, query = '') =>
  fetch(`${url}/ocr${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body })

describe('scheduling outcomes over HTTP', () => {
  const cleanups: Array<() => Promise<void>> = []
  after(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('a full queue answers 503 with Retry-After immediately, and accepted requests still succeed', async () => {
    const delay = { ms: 400 }
    const server = await startTestServer(
      { services: { ocr: { ops: { det: { batch_size: 1, concurrency: 1, queue_size: 1 } } } } },
      { sessionFactory: fakeOcrSessions(delay) },
    )
    cleanups.push(server.close)
    const image = await smallJpeg()
    const first = post(server.url, image) // runs
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = post(server.url, image) // waits in the queue
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = performance.now()
    const third = await post(server.url, image) // queue full
    const elapsed = performance.now() - started
    assert.equal(third.status, 503)
    assert.ok(Number(third.headers.get('retry-after')) >= 1)
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'overloaded')
    assert.ok(elapsed < 200, `rejected after ${elapsed.toFixed(0)} ms`)
    assert.deepEqual(
      (await Promise.all([first, second])).map((r) => r.status),
      [200, 200],
    )
  })

  it('a request past its deadline gets 504 at the deadline, not when the model finishes', async () => {
    const server = await startTestServer({}, { sessionFactory: fakeOcrSessions({ ms: 2000 }) })
    cleanups.push(server.close)
    const started = performance.now()
    const response = await post(server.url, await smallJpeg(), '?deadline_ms=150')
    const elapsed = performance.now() - started
    assert.equal(response.status, 504)
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'deadline_exceeded')
    assert.ok(elapsed >= 140 && elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`)
  })

  it('a missing model: the server starts, /readyz says which and how to get it, /ocr answers 503', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-models-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    await cp(path.join(PROJECT_ROOT, 'models'), dir, { recursive: true })
    const manifest = path.join(dir, 'ppocrv4_rec', 'manifest.yml')
    await writeFile(manifest, (await import('node:fs')).readFileSync(manifest, 'utf8').replace(/^model: .*$/m, 'model: model.onnx'))
    const server = await startTestServer({ models: { dir } })
    cleanups.push(server.close)
    const ready = await fetch(server.url + '/readyz')
    assert.equal(ready.status, 503)
    const body = (await ready.json()) as { ready: boolean; models: Array<{ name: string; state: string; message?: string }> }
    const rec = body.models.find((m) => m.name === 'ppocrv4_rec')!
    assert.equal(rec.state, 'missing')
    assert.match(rec.message!, /ppocrv4_rec\/model\.onnx is missing; its manifest names no source/)
    const response = await post(server.url, await smallJpeg())
    assert.equal(response.status, 503)
    const error = ((await response.json()) as { error: { code: string; message: string } }).error
    assert.equal(error.code, 'model_not_ready')
    assert.match(error.message, /ppocrv4_rec/)
  })
})
