/**
 * Errors in the Paddle envelopes, HTTP 200 always: every engine outcome and input mistake maps to
 * its Paddle Serving err_no / PaddleHub status. Fake OCR sessions make overload and deadlines exact
 * and need no model files.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createApp } from '../../../src/server/app.js'
import { smallJpeg, truncatedJpeg } from '../../helpers/bad-images.js'
import { fakeOcrSessions } from '../../helpers/fake-ocr-sessions.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import type { PipelineAnswer } from '../../helpers/paddle-protocols-env.js'
import { testServices } from '../../helpers/services.js'
import { PROJECT_ROOT } from '../../helpers/shared-assets.js'

async function ocrModelsDir(missingRec = false): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-protocol-models-'))
  for (const name of ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec']) {
    await mkdir(path.join(dir, name))
    const manifest = await readFile(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), 'utf8')
    const local = missingRec && name === 'ppocrv4_rec' ? manifest.replace(/^model: .*$/m, 'model: model.onnx') : manifest
    await writeFile(path.join(dir, name, 'manifest.yml'), local)
  }
  return dir
}

async function post(url: string, route: string, body: string | Blob, headers: Record<string, string> = {}) {
  const response = await fetch(url + route, { method: 'POST', headers, body })
  assert.equal(response.status, 200, `${route} answered HTTP ${response.status}`)
  return { answer: (await response.json()) as Record<string, unknown>, headers: response.headers }
}

describe('protocol envelopes: errors', () => {
  const delay = { ms: 0 }
  let server: TestServer
  let dir: string
  let image: string
  before(async () => {
    dir = await ocrModelsDir()
    server = await startTestServer(
      { models: { dir }, services: { ocr: { ops: { det: { batch_size: 1, concurrency: 1, queue_size: 1 } } } } },
      { sessionFactory: fakeOcrSessions(delay) },
    )
    image = Buffer.from(await smallJpeg()).toString('base64')
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const pipeline = async (service: string, body: unknown, raw?: string) =>
    (await post(server.url, `/${service}/prediction`, new Blob([raw ?? JSON.stringify(body)]))).answer as unknown as PipelineAnswer
  const hub = async (module: string, body: string, headers = { 'content-type': 'application/json' }) => (await post(server.url, `/predict/${module}`, body, headers)).answer

  it('pipeline success without Content-Type: all five fields; options ride as keys', async () => {
    assert.deepEqual(await pipeline('ocr', { key: ['image'], value: [image] }), { err_no: 0, err_msg: '', key: ['result'], value: ['[]'], tensors: [] })
    const rec = await pipeline('ocr', { key: ['image', 'det', 'deadline_ms'], value: [image, 'false', '5000'] })
    assert.deepEqual([rec.key, rec.value], [['res'], ['[""]']]) // the fake recogniser reads blanks
  })

  it('pipeline: 3002 for an unknown or disabled service, 5000 for every input mistake', async () => {
    const unknown = await pipeline('nosuch', { key: ['image'], value: [image] })
    assert.equal(unknown.err_no, 3002)
    assert.match(unknown.err_msg, /Service name error.*nosuch.*ocr, imagenet, recognition/)
    const disabled = await pipeline('imagenet', { key: ['image'], value: [image] })
    assert.equal(disabled.err_no, 3002)
    assert.match(disabled.err_msg, /task classify, which is disabled/)
    const truncated = Buffer.from(await truncatedJpeg()).toString('base64')
    const mistakes: Array<[unknown, RegExp, string?]> = [
      [undefined, /not valid JSON/, '{"key": ["image"], "value": '],
      [undefined, /empty/, ''],
      [['image'], /JSON object/],
      [{ key: ['image'], value: [image, image] }, /pair up/],
      [{ key: 'image', value: image }, /lists of strings/],
      [{ key: [], value: [] }, /no image/],
      [{ key: ['image'], value: ['***'] }, /value of key "image" is not valid base64/],
      [{ key: ['image'], value: [truncated] }, /image/i],
      [{ key: ['image', 'image_1'], value: [image, image] }, /one image per request/],
      [{ key: ['image', 'image'], value: [image, image] }, /appears twice/],
      [{ key: ['image', 'drop_score'], value: [image, '2'] }, /drop_score/],
      [{ key: ['image', 'deadline_ms'], value: [image, 'soon'] }, /deadline_ms/],
      [{ key: ['image'], value: [image], tensors: [{}] }, /tensors/],
    ]
    for (const [body, message, raw] of mistakes) {
      const answer = await pipeline('ocr', body, raw)
      assert.equal(answer.err_no, 5000, `${JSON.stringify(body ?? raw)}: ${answer.err_msg}`)
      assert.match(answer.err_msg, message)
      assert.deepEqual([answer.key, answer.value, answer.tensors], [[], [], []])
    }
  })

  it('pipeline: a full queue is 10000 at once with Retry-After; a passed deadline is 6000 at the deadline', async () => {
    delay.ms = 400
    const body = new Blob([JSON.stringify({ key: ['image'], value: [image] })])
    const first = post(server.url, '/ocr/prediction', body)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = post(server.url, '/ocr/prediction', body)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = performance.now()
    const third = await post(server.url, '/ocr/prediction', body)
    assert.ok(performance.now() - started < 200)
    assert.equal(third.answer.err_no, 10000)
    assert.match(String(third.answer.err_msg), /queue/i)
    assert.ok(Number(third.headers.get('retry-after')) >= 1)
    assert.deepEqual((await Promise.all([first, second])).map((r) => r.answer.err_no), [0, 0])

    delay.ms = 2000
    const timed = performance.now()
    const late = await pipeline('ocr', { key: ['image', 'deadline_ms'], value: [image, '150'] })
    const elapsed = performance.now() - timed
    delay.ms = 0
    assert.equal(late.err_no, 6000, late.err_msg)
    assert.match(late.err_msg, /deadline/)
    assert.ok(elapsed >= 140 && elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`)
  })

  it('hub: 111 for an unknown module, 101 for bad input, 112 for a non-JSON body sent as a form', async () => {
    assert.deepEqual(await hub('ocr_system', JSON.stringify({ images: [image] })), { msg: '', results: [[]], status: '000' })
    const unknown = await hub('ocr_nosuch', JSON.stringify({ images: [image] }))
    assert.equal(unknown.status, '111')
    assert.match(String(unknown.msg), /Module ocr_nosuch is not available/)
    const truncated = Buffer.from(await truncatedJpeg()).toString('base64')
    const mistakes: Array<[string, RegExp]> = [
      ['{"images": [', /not valid JSON/],
      [JSON.stringify({ images: [] }), /non-empty list/],
      [JSON.stringify({ images: ['***'] }), /not valid base64/],
      [JSON.stringify({ images: [truncated] }), /image/i],
      [JSON.stringify({ images: [image], det: false }), /chosen by the module/],
      [JSON.stringify({ images: [image], paths: ['/etc/passwd'] }), /unknown option paths/],
    ]
    for (const [body, message] of mistakes) {
      const answer = await hub('ocr_det', body)
      assert.deepEqual([answer.status, answer.results], ['101', ''], `${body}: ${answer.msg}`)
      assert.match(String(answer.msg), message)
    }
    const form = await hub('ocr_system', 'images=abc', { 'content-type': 'application/x-www-form-urlencoded' })
    assert.equal(form.status, '112')
    assert.match(String(form.msg), /application\/json/)
    // A JSON body is read whatever it is labelled with.
    assert.equal((await hub('ocr_rec', JSON.stringify({ images: [image, image] }), { 'content-type': 'text/plain' })).status, '000')
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
  })
})

describe('protocol envelopes: a model that is not loaded', () => {
  let server: TestServer
  let dir: string
  before(async () => {
    dir = await ocrModelsDir(true)
    server = await startTestServer({ models: { dir } }, { sessionFactory: fakeOcrSessions({ ms: 0 }) })
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('is 3003 (INIT_ERROR) on the pipeline and 111 (module not available) on the hub, naming the model', async () => {
    const image = Buffer.from(await smallJpeg()).toString('base64')
    const pipeline = (await post(server.url, '/ocr/prediction', new Blob([JSON.stringify({ key: ['image'], value: [image] })]))).answer
    assert.equal(pipeline.err_no, 3003)
    assert.match(String(pipeline.err_msg), /ppocrv4_rec/)
    const hub = (await post(server.url, '/predict/ocr_system', JSON.stringify({ images: [image] }), { 'content-type': 'application/json' })).answer
    assert.equal(hub.status, '111')
    assert.match(String(hub.msg), /Module ocr_system is not available: .*ppocrv4_rec/)
  })
})

describe('protocol config', () => {
  it('a service mapped to an unknown task stops start-up naming the key; disabled protocols are not mounted', async () => {
    const services = await testServices({ protocols: { paddle_serving: { services: { ocr: 'ocr', foo: 'nosuchtask' } } } }, { sessionFactory: fakeOcrSessions({ ms: 0 }) })
    try {
      assert.throws(() => createApp(services), /protocols\.paddle_serving\.services\.foo: task "nosuchtask" cannot be served/)
    } finally {
      await services.stop()
    }
    const server = await startTestServer(
      { protocols: { paddle_serving: { enabled: false }, paddlehub: { enabled: false } } },
      { sessionFactory: fakeOcrSessions({ ms: 0 }) },
    )
    try {
      assert.equal((await fetch(`${server.url}/ocr/prediction`, { method: 'POST', body: '{}' })).status, 404)
      assert.equal((await fetch(`${server.url}/predict/ocr_system`, { method: 'POST', body: '{}' })).status, 404)
    } finally {
      await server.close()
    }
  })
})
