/**
 * The KServe v2 remote session against a stub server on 127.0.0.1: tensors cross both ways in
 * both encodings, connections are reused, calls in flight are bounded, a stalled or refused
 * remote fails fast with ModelNotReady (503) and recovers without a new session, and the
 * registry reports it unreachable.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RemoteModelSchema, type RemoteModelConfig } from '../../src/config/remote-models.js'
import { DeadlineExceeded, InferenceError, ModelNotReady } from '../../src/engine/errors.js'
import { loadModelPackage, type ModelPackage } from '../../src/runtime/model-package.js'
import { ModelRegistry } from '../../src/runtime/model-registry.js'
import { openRemoteSession, PROBE_INTERVAL_MS, type RemoteSession } from '../../src/runtime/remote-session.js'
import { DEFAULT_SESSION_OPTIONS } from '../../src/runtime/session.js'
import { closedPort, startKServeStub, type KServeStub } from '../helpers/kserve-stub.js'

const MANIFEST = `name: double
model: model.onnx
feeds:
  - { name: x, alias: values, shape: [-1, 3] }
  - { name: ids, alias: ids, dtype: int64, shape: [-1] }
fetches:
  - { name: y, alias: doubled, shape: [-1, 3] }
  - { name: id_sum, alias: id_sum, dtype: int64, shape: [1] }
`

let modelsDir: string
let pkg: ModelPackage
const open: Array<{ close(): Promise<void> }> = []

before(async () => {
  modelsDir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-remote-'))
  await mkdir(path.join(modelsDir, 'double'))
  await writeFile(path.join(modelsDir, 'double', 'manifest.yml'), MANIFEST)
  pkg = await loadModelPackage(path.join(modelsDir, 'double'))
})
after(() => Promise.all(open.map((o) => o.close())))

function remote(url: string, overrides: Partial<RemoteModelConfig> = {}): RemoteModelConfig {
  return RemoteModelSchema.parse({ url, ...overrides })
}

async function session(config: RemoteModelConfig): Promise<RemoteSession> {
  const opened = await openRemoteSession(pkg, config)
  open.push(opened)
  return opened
}

async function stub(options: Parameters<typeof startKServeStub>[0] = {}): Promise<KServeStub> {
  const started = await startKServeStub(options)
  open.push(started)
  return started
}

const feeds = (seed = 1) => ({
  x: { data: new Float32Array([0.1 * seed, -1.5, 1 / 3, 7, 0.2, -0.30000001]), dims: [2, 3] },
  ids: { data: new Float32Array([seed, 2, 40]), dims: [3] },
})

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now()
  try {
    await work()
    return { ms: performance.now() - started, error: undefined }
  } catch (error) {
    return { ms: performance.now() - started, error }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('remote session (KServe v2)', () => {
  for (const binary of [false, true]) {
    it(`maps metadata and tensors both ways (${binary ? 'binary tensor extension' : 'JSON data'})`, async () => {
      const server = await stub({ binary })
      const s = await session(remote(server.url, { model: null }))
      assert.deepEqual(s.inputs, [
        { name: 'x', dtype: 'float32', shape: [-1, 3] },
        { name: 'ids', dtype: 'int64', shape: [-1] },
      ])
      assert.deepEqual(s.outputs.map((o) => o.dtype), ['float32', 'int64'])
      const input = feeds()
      const out = await s.run(input)
      assert.deepEqual(out.y!.dims, [2, 3])
      assert.ok(out.y!.data instanceof Float32Array)
      // Exactly 2x in float32: nothing lost to the encoding either way.
      assert.deepEqual([...out.y!.data], [...input.x.data].map((v) => Math.fround(v * 2)))
      assert.deepEqual([...out.id_sum!.data], [43])
      assert.deepEqual(server.contentTypes, [binary ? 'application/octet-stream' : 'application/json'])
      // Outside a batch the call's budget is timeout_ms, and the remote is told so.
      assert.ok(server.deadlines[0]! > 9_000 && server.deadlines[0]! <= 10_000, String(server.deadlines))
      assert.deepEqual(s.health(), { state: 'ready' })
    })
  }

  it('reuses one connection for calls one after another', async () => {
    const server = await stub()
    const s = await session(remote(server.url))
    await s.run(feeds(0))
    const opened = server.sockets
    for (let i = 1; i < 6; i++) await s.run(feeds(i))
    assert.equal(server.infers, 6)
    // Without keep-alive every call would open its own socket (8 with the two metadata calls).
    assert.equal(server.sockets, opened)
    assert.ok(opened <= 2, `${opened} sockets`)
  })

  it('keeps at most max_in_flight calls at the remote; the rest wait and then succeed', async () => {
    const server = await stub({ delayMs: 80 })
    const s = await session(remote(server.url, { max_in_flight: 2 }))
    const outs = await Promise.all(Array.from({ length: 7 }, (_, i) => s.run(feeds(i))))
    assert.equal(outs.length, 7)
    assert.equal(server.infers, 7)
    assert.equal(server.maxInFlight, 2)
  })

  it('fails a stalled call at timeout_ms with ModelNotReady naming the model and URL, then recovers', async () => {
    const server = await stub({ delayMs: Infinity })
    const s = await session(remote(server.url, { timeout_ms: 300 }))
    const { ms, error } = await elapsed(() => s.run(feeds()))
    assert.ok(error instanceof ModelNotReady, String(error))
    assert.match(error.message, new RegExp(`remote model double at ${server.url}: no answer within timeout_ms 300`))
    assert.ok(ms >= 290 && ms < 1300, `took ${ms} ms`)
    assert.equal(s.health().state, 'unreachable')
    // Unreachable: the next call fails at once instead of waiting again.
    const next = await elapsed(() => s.run(feeds()))
    assert.ok(next.error instanceof ModelNotReady && next.ms < 100, `${next.ms} ms`)
    server.delayMs = 0
    await waitForHealth(s, 'ready')
    assert.deepEqual([...(await s.run(feeds())).id_sum!.data], [43])
  })

  it('is cut by the batch deadline when that comes first: 504, and the remote stays ready', async () => {
    const server = await stub({ delayMs: Infinity })
    const s = await session(remote(server.url, { timeout_ms: 5000 }))
    const { ms, error } = await elapsed(() => s.run(feeds(), { deadlineAt: performance.now() + 200, waited: () => {} }))
    assert.ok(error instanceof DeadlineExceeded, String(error))
    assert.ok(ms < 1000, `took ${ms} ms`)
    assert.ok(server.deadlines[0]! <= 200, String(server.deadlines))
    assert.equal(s.health().state, 'ready')
  })

  it('connection refused: unreachable at open, calls fail fast, and it recovers when the server comes up', async () => {
    const port = await closedPort()
    const url = `http://127.0.0.1:${port}`
    const s = await session(remote(url, { retries: 1 }))
    assert.equal(s.health().state, 'unreachable')
    assert.equal(s.health().message, `remote model double at ${url}: connection refused`)
    const { ms, error } = await elapsed(() => s.run(feeds()))
    assert.ok(error instanceof ModelNotReady, String(error))
    assert.ok(ms < 200, `took ${ms} ms`)
    // Until metadata arrives, the manifest stands in for the model's tensors.
    assert.deepEqual(s.inputs.map((i) => i.name), ['x', 'ids'])
    await stub({ port })
    await waitForHealth(s, 'ready')
    assert.deepEqual([...(await s.run(feeds())).id_sum!.data], [43])
  })

  it('a 4xx from the remote is an InferenceError carrying its message; the remote stays ready', async () => {
    const server = await stub()
    const s = await session(remote(server.url))
    server.failWith = { status: 400, error: 'input x: unexpected shape' }
    await assert.rejects(s.run(feeds()), (error: Error) => {
      assert.ok(error instanceof InferenceError)
      assert.match(error.message, /infer answered 400: input x: unexpected shape/)
      return true
    })
    assert.equal(s.health().state, 'ready')
  })

  it('a manifest that does not match the remote metadata fails the load, naming the tensor', async () => {
    const server = await stub()
    const dir = path.join(modelsDir, 'wrong')
    await mkdir(dir)
    await writeFile(path.join(dir, 'manifest.yml'), MANIFEST.replace('name: double', 'name: wrong').replace('[-1, 3] }\n  - { name: ids', '[-1, 4] }\n  - { name: ids'))
    const wrong = await loadModelPackage(dir)
    await assert.rejects(openRemoteSession(wrong, remote(server.url, { model: 'double' })), /feed "x".*shape expected \[-1, 4\]/)
  })
})

describe('model registry with a remote package', () => {
  it('loads it without weights, reports it unreachable when its server stops, and recovers', async () => {
    const server = await stub()
    const registry = new ModelRegistry(modelsDir, DEFAULT_SESSION_OPTIONS, undefined, undefined, { double: remote(server.url) })
    open.push({ close: () => registry.closeAll() })
    const model = await registry.load('double', 1)
    assert.ok(model, JSON.stringify(registry.list()))
    assert.deepEqual(registry.list(), [{ name: 'double', state: 'ready' }])
    const out = await model.run({ values: feeds().x, ids: feeds().ids })
    assert.deepEqual([...out.id_sum!.data], [43])

    await server.close()
    await assert.rejects(model.run({ values: feeds().x, ids: feeds().ids }), ModelNotReady)
    const [state] = registry.list()
    assert.equal(state!.state, 'unreachable')
    assert.match(state!.message!, new RegExp(`remote model double at ${server.url}: connection refused`))
    assert.equal(registry.allReady(), false)
    assert.throws(() => registry.requireReady(['double'], 'OCR'), (error: Error) => error instanceof ModelNotReady && /OCR is not ready: remote model double at .*connection refused/.test(error.message))

    await stub({ port: server.port })
    const deadline = performance.now() + PROBE_INTERVAL_MS * 3
    while (!registry.allReady() && performance.now() < deadline) await sleep(100)
    assert.equal(registry.allReady(), true)
    registry.requireReady(['double'], 'OCR')
  })

  it('a remote package whose manifest is broken still fails its load like a local one', async () => {
    const registry = new ModelRegistry(modelsDir, DEFAULT_SESSION_OPTIONS, undefined, undefined, { nope: remote('http://127.0.0.1:9') })
    assert.equal(await registry.load('nope', 1), undefined)
    assert.equal(registry.list()[0]!.state, 'failed')
  })
})

async function waitForHealth(s: RemoteSession, state: string): Promise<void> {
  const deadline = performance.now() + PROBE_INTERVAL_MS * 3
  while (s.health().state !== state && performance.now() < deadline) await sleep(100)
  assert.equal(s.health().state, state, s.health().message)
}
