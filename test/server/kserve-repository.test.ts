/**
 * The KServe model repository extension on the real server: a package copied into models.dir
 * while the server runs becomes servable with POST load (no restart); an unload lets the
 * requests in flight finish with 200, then the model answers 503 saying it was unloaded; the
 * index lists every package folder with its state; load and unload need the configured token.
 * Unloading a model a task uses turns that task's requests into 503 until it is loaded again,
 * and the task keeps working on the version it started with.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const TOKEN = 'a-long-enough-repository-token'
const AUTH = { authorization: `Bearer ${TOKEN}` }
const OCR_PACKAGES = ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec']
const COPY = 'text_direction_copy'
const SAMPLE = 3 * 48 * 192

interface IndexEntry {
  name: string
  version: string
  state: string
  reason: string
}

/** A binary-data infer request of n deterministic samples (tritonclient's encoding). */
function binaryInfer(n: number): { body: Buffer; headers: Record<string, string> } {
  const data = new Float32Array(n * SAMPLE)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.003)
  const header = JSON.stringify({ inputs: [{ name: 'x', shape: [n, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }] })
  return { body: Buffer.concat([Buffer.from(header), Buffer.from(data.buffer)]), headers: { 'inference-header-content-length': String(header.length) } }
}

describe('KServe model repository', () => {
  let dir: string
  let server: TestServer
  const url = (p: string) => `${server.url}${p}`
  const infer = (model: string, n = 1, request = binaryInfer(n)) => fetch(url(`/v2/models/${model}/infer`), { method: 'POST', ...request })
  const repository = (model: string, action: 'load' | 'unload', headers: Record<string, string> = AUTH) =>
    fetch(url(`/v2/repository/models/${model}/${action}`), { method: 'POST', headers })
  const index = async () => (await (await fetch(url('/v2/repository/index'), { method: 'POST' })).json()) as IndexEntry[]
  const entry = async (name: string) => (await index()).find((e) => e.name === name)
  const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-kserve-repo-'))
    for (const name of OCR_PACKAGES) {
      await mkdir(path.join(dir, name))
      await writeFile(path.join(dir, name, 'manifest.yml'), await readFile(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml')))
    }
    server = await startTestServer({
      models: { dir },
      services: { classify: { enabled: false }, recognize: { enabled: false } },
      // One sample per model call: a request of 16 samples stays in flight for 16 calls.
      protocols: { kserve: { repository_token: TOKEN, ops: { batch_size: 1, batch_timeout_ms: 0 } } },
    })
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it("the index lists every package folder with its state; the tasks' packages are READY", async () => {
    assert.deepEqual(await index(), OCR_PACKAGES.sort().map((name) => ({ name, version: '1', state: 'READY', reason: '' })))
    const viaGet = (await (await fetch(url('/v2/repository/index?ready=true'))).json()) as IndexEntry[]
    assert.equal(viaGet.length, 3)
  })

  it('a package copied in while serving is listed, then servable after POST load (token required)', async () => {
    const manifest = await readFile(path.join(PROJECT_ROOT, 'models/ppocr_mobile_v2_cls/manifest.yml'), 'utf8')
    await mkdir(path.join(dir, COPY))
    await writeFile(path.join(dir, COPY, 'manifest.yml'), manifest.replace(/^name: .*$/m, `name: ${COPY}`))
    assert.deepEqual(await entry(COPY), { name: COPY, version: '1', state: 'UNAVAILABLE', reason: 'not loaded' })
    const before = await infer(COPY)
    assert.equal(before.status, 404)
    assert.match(await errorOf(before), /unknown model "text_direction_copy"/)

    const anonymous = await repository(COPY, 'load', {})
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
    assert.match(await errorOf(anonymous), /needs Authorization: Bearer/)
    assert.equal((await repository(COPY, 'load', { authorization: 'Bearer not-the-right-token-at-all' })).status, 403)

    const loaded = await repository(COPY, 'load')
    assert.equal(loaded.status, 200, await loaded.clone().text())
    assert.equal((await entry(COPY))?.state, 'READY')
    assert.equal((await fetch(url(`/v2/models/${COPY}/ready`))).status, 200)
    const [copy, original] = await Promise.all([infer(COPY, 2), infer('ppocr_mobile_v2_cls', 2)])
    assert.equal(copy.status, 200)
    assert.deepEqual((await copy.json()) as { outputs: unknown }, { ...((await original.json()) as object), model_name: COPY })
    // Loading a loaded package again replaces it while serving.
    assert.equal((await repository(COPY, 'load')).status, 200)
    assert.equal((await infer(COPY)).status, 200)
  })

  it('unload: requests in flight finish with 200, later ones get 503 saying it was unloaded', async () => {
    const { engine } = server.services
    const batches = () => Object.values(engine.tracer.batchSizes(`kserve:${COPY}`)).reduce((a, b) => a + b, 0)
    const started = batches()
    // Each admitted infer request creates one engine context: counting them tells when all 4 are in.
    const createContext = engine.createContext.bind(engine)
    let admitted = 0
    engine.createContext = (options) => (admitted++, createContext(options))
    const finished: number[] = []
    const request = binaryInfer(16) // built once: the client shares this thread with the server
    const inFlight = [0, 1, 2, 3].map(() => infer(COPY, 16, request).then(async (r) => (finished.push(performance.now()), { status: r.status, body: await r.text() })))
    while (admitted < 4) await new Promise((resolve) => setTimeout(resolve, 1))
    engine.createContext = createContext
    const unloaded = await repository(COPY, 'unload')
    const unloadedAt = performance.now()
    assert.equal(unloaded.status, 200)
    const results = await Promise.all(inFlight)
    for (const result of results) assert.equal(result.status, 200, result.body.slice(0, 200))
    assert.ok(finished.some((at) => at > unloadedAt), 'some requests were still running when the unload was answered')
    assert.equal(batches() - started, 64, 'every sample of every request ran')

    const after = await infer(COPY)
    assert.equal(after.status, 503)
    assert.match(await errorOf(after), /model text_direction_copy was unloaded \(POST \/v2\/repository\/models\/text_direction_copy\/load to load it again\)/)
    assert.equal((await fetch(url(`/v2/models/${COPY}`))).status, 503)
    assert.equal((await fetch(url(`/v2/models/${COPY}/ready`))).status, 400)
    assert.deepEqual(await entry(COPY), { name: COPY, version: '1', state: 'UNAVAILABLE', reason: 'model text_direction_copy was unloaded (POST /v2/repository/models/text_direction_copy/load to load it again)' })
    assert.equal((await fetch(url('/v2/health/ready'))).status, 200, 'a package no task needs does not gate readiness')
  })

  it("unloading a task's model makes the task answer 503 until it is loaded again", async () => {
    const image = await smallJpeg(96, 32)
    const ocr = () => fetch(url('/ocr?det=false'), { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: image })
    assert.equal((await ocr()).status, 200)
    assert.equal((await repository('ppocr_mobile_v2_cls', 'unload')).status, 200)
    const refused = await ocr()
    assert.equal(refused.status, 503)
    const { error } = (await refused.json()) as { error: { code: string; message: string } }
    assert.equal(error.code, 'model_not_ready')
    assert.match(error.message, /OCR is not ready: model ppocr_mobile_v2_cls was unloaded/)
    assert.equal((await fetch(url('/readyz'))).status, 503)
    assert.equal((await fetch(url('/v2/health/ready'))).status, 400)
    assert.equal((await repository('ppocr_mobile_v2_cls', 'load')).status, 200)
    assert.equal((await ocr()).status, 200)
    assert.equal((await fetch(url('/readyz'))).status, 200)
    assert.equal((await infer('ppocr_mobile_v2_cls')).status, 200)
  })

  it('a package that cannot load is a 400 naming why, and the index says so; unknown names are 404', async () => {
    await mkdir(path.join(dir, 'no_weights'))
    const manifest = await readFile(path.join(PROJECT_ROOT, 'models/ppocr_mobile_v2_cls/manifest.yml'), 'utf8')
    await writeFile(path.join(dir, 'no_weights', 'manifest.yml'), manifest.replace(/^name: .*$/m, 'name: no_weights').replace(/^model: .*$/m, 'model: model.onnx'))
    const failed = await repository('no_weights', 'load')
    assert.equal(failed.status, 400)
    assert.match(await errorOf(failed), /failed to load model no_weights: model no_weights: weights file .*model\.onnx is missing/)
    const listed = await entry('no_weights')
    assert.equal(listed?.state, 'UNAVAILABLE')
    assert.match(listed!.reason, /weights file .* is missing/)
    assert.equal((await infer('no_weights')).status, 503)
    const unknown = await repository('no_such_package', 'load')
    assert.equal(unknown.status, 404)
    assert.match(await errorOf(unknown), /no model package "no_such_package"/)
    assert.equal((await repository('../models', 'load')).status, 404)
  })
})
