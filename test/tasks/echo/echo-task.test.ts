/**
 * The task registry is open: a task defined here, outside src/, is served over HTTP with its own
 * config section, options, readiness and routes, without any edit under src/server or src/config.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { TASKS } from '../../../src/tasks/registry.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { echoSessions, echoTask, writeEchoPackage } from './echo-task.js'

async function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Uint8Array> {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer()
  return new Uint8Array(png)
}

function postImage(server: TestServer, route: string, body: Uint8Array): Promise<Response> {
  return fetch(`${server.url}${route}`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body })
}

describe('a task registered from outside src/', () => {
  let server: TestServer
  let modelsDir: string
  const batches: number[] = []

  before(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'echo-models-'))
    await writeEchoPackage(modelsDir)
    server = await startTestServer(
      { models: { dir: modelsDir, auto_pull: false }, services: { ocr: { enabled: false }, echo: { ops: { batch_timeout_ms: 50 } } } },
      { tasks: [...TASKS, echoTask], sessionFactory: echoSessions(batches) },
    )
  })
  after(async () => {
    await server?.close()
    await rm(modelsDir, { recursive: true, force: true })
  })

  const post = (route: string, body: Uint8Array) => postImage(server, route, body)

  it('answers its route with its formatter, through the engine and the shared decode', async () => {
    const response = await post('/echo?scale=2', await solidPng(8, 6, [10, 20, 30]))
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { tag: '', echo: [{ width: 8, height: 6, mean: [20, 40, 60] }] })
    const timing = response.headers.get('server-timing') ?? ''
    assert.match(timing, /decode-prep/)
    assert.match(timing, /echo:echo_model-midp/)
  })

  it('takes path parameters as options and validates options with its schema', async () => {
    const tagged = await post('/echo/red', await solidPng(4, 4, [255, 0, 0]))
    assert.deepEqual(await tagged.json(), { tag: 'red', echo: [{ width: 4, height: 4, mean: [255, 0, 0] }] })
    const bad = await post('/echo?scale=-1', await solidPng(4, 4, [0, 0, 0]))
    assert.equal(bad.status, 422)
    assert.match(JSON.stringify(await bad.json()), /scale/)
    const unknown = await post('/echo?colour=blue', await solidPng(4, 4, [0, 0, 0]))
    assert.equal(unknown.status, 422)
    assert.match(JSON.stringify(await unknown.json()), /unknown option colour/)
  })

  it('batches concurrent requests of its op, as configured in its own section', async () => {
    batches.length = 0
    const answers = await Promise.all([1, 2, 3, 4].map(async (v) => (await post('/echo', await solidPng(4, 4, [v, v, v]))).json()))
    assert.deepEqual(answers.map((a) => (a as { echo: Array<{ mean: number[] }> }).echo[0]!.mean[0]), [1, 2, 3, 4])
    assert.ok(Math.max(...batches) > 1, `expected a batch of more than one, got ${batches.join(',')}`)
  })

  it('is listed by /readyz, with the other running tasks only', async () => {
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { ready: boolean; models: Array<{ name: string }> }
    assert.equal(ready.ready, true)
    assert.deepEqual(ready.models.map((m) => m.name), ['echo_model'])
  })
})

describe('per-package scheduling (models.ops)', () => {
  it('overrides the task op’s settings for that package only', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'echo-models-'))
    await writeEchoPackage(modelsDir)
    const batches: number[] = []
    const server = await startTestServer(
      {
        models: { dir: modelsDir, auto_pull: false, ops: { echo_model: { batch_size: 1 } } },
        services: { ocr: { enabled: false }, echo: { ops: { batch_size: 4, batch_timeout_ms: 50 } } },
      },
      { tasks: [...TASKS, echoTask], sessionFactory: echoSessions(batches) },
    )
    try {
      const png = await solidPng(4, 4, [9, 9, 9])
      const answers = await Promise.all([1, 2, 3, 4].map(async () => (await postImage(server, '/echo', png)).status))
      assert.deepEqual(answers, [200, 200, 200, 200])
      assert.deepEqual(batches, [1, 1, 1, 1])
    } finally {
      await server.close()
      await rm(modelsDir, { recursive: true, force: true })
    }
  })
})
