/**
 * Two servers in one process: B serves the PP-OCRv4 packages over KServe v2; A's OCR service
 * runs its ops locally but calls B's models (models.remote). A answers like a local run (B's own
 * /ocr); with B stopped, A answers 503 within the request's deadline and /readyz names the
 * unreachable model; with B back on the same port, A recovers without a restart.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { PROBE_INTERVAL_MS } from '../../src/runtime/remote-session.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'

const PACKAGES = ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec'] as const
const IMAGES = ['images/ocr/imgs/11.jpg', 'images/ocr/imgs/12.jpg']

interface ReadyBody {
  ready: boolean
  models: Array<{ name: string; state: string; message?: string }>
}

/** B: the OCR task's packages loaded locally, served to others by the KServe v2 adapter. */
const startModelTier = (port = 0) => startTestServer({ server: { port }, protocols: { kserve: { enabled: true } } })

async function ocr(server: TestServer, image: Buffer, deadlineMs = 30_000): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now()
  const response = await fetch(`${server.url}/ocr?deadline_ms=${deadlineMs}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: image })
  return { status: response.status, body: await response.json(), ms: performance.now() - started }
}

async function readyz(server: TestServer): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${server.url}/readyz`)
  return { status: response.status, body: (await response.json()) as ReadyBody }
}

describe('remote models: OCR ops here, models on a KServe v2 tier', { skip: needsSharedAssets }, () => {
  let b: TestServer | undefined
  let a: TestServer
  let bPort: number
  let images: Buffer[]
  const expected: unknown[] = []

  before(async () => {
    b = await startModelTier()
    bPort = Number(new URL(b.url).port)
    const remote = Object.fromEntries(PACKAGES.map((name) => [name, { url: b!.url, timeout_ms: 20_000 }]))
    a = await startTestServer({ models: { remote } })
    images = await Promise.all(IMAGES.map((image) => readFile(asset(image))))
    // The local run: B's own /ocr, same packages in-process.
    for (const image of images) {
      const local = await ocr(b, image)
      assert.equal(local.status, 200, JSON.stringify(local.body))
      expected.push(local.body)
    }
  })
  after(async () => {
    await a?.close()
    await b?.close()
  })

  it('A is ready with every model remote, and answers exactly like a local run', async () => {
    const ready = await readyz(a)
    assert.equal(ready.status, 200, JSON.stringify(ready.body))
    assert.deepEqual(ready.body.models.map((m) => [m.name, m.state]).sort(), PACKAGES.map((name) => [name, 'ready']).sort())
    for (const [i, image] of images.entries()) {
      const remote = await ocr(a, image)
      assert.equal(remote.status, 200, JSON.stringify(remote.body))
      assert.ok((remote.body as { results: unknown[][] }).results[0]!.length >= 3, JSON.stringify(remote.body))
      assert.deepEqual(remote.body, expected[i])
    }
  })

  it('B stopped: A answers 503 within the deadline and /readyz names the unreachable model', async () => {
    await b!.close()
    b = undefined
    const deadlineMs = 3_000
    const answer = await ocr(a, images[0]!, deadlineMs)
    assert.equal(answer.status, 503, JSON.stringify(answer.body))
    assert.ok(answer.ms < deadlineMs + 1_000, `took ${answer.ms} ms`)
    const error = (answer.body as { error: { code: string; message: string } }).error
    assert.equal(error.code, 'model_not_ready')
    assert.match(error.message, new RegExp(`remote model ppocrv4_det at http://127\\.0\\.0\\.1:${bPort}: connection refused`))

    const ready = await readyz(a)
    assert.equal(ready.status, 503)
    const det = ready.body.models.find((m) => m.name === 'ppocrv4_det')!
    assert.equal(det.state, 'unreachable')
    assert.match(det.message!, /connection refused/)

    // Now known unreachable: the next request is refused before any work.
    const again = await ocr(a, images[0]!, deadlineMs)
    assert.equal(again.status, 503)
    assert.ok(again.ms < 500, `took ${again.ms} ms`)
  })

  it('B restarted on the same port: A recovers without a restart', async () => {
    b = await startModelTier(bPort)
    const until = performance.now() + PROBE_INTERVAL_MS * 5
    let ready = await readyz(a)
    while (ready.status !== 200 && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 200))
      ready = await readyz(a)
    }
    assert.equal(ready.status, 200, JSON.stringify(ready.body))
    const answer = await ocr(a, images[0]!)
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.deepEqual(answer.body, expected[0])
  })
})
