/**
 * Loading a package again (replace) and unloading it while serving, over fake sessions whose
 * runs are held open by the test: a replacement is swapped in only once it loaded, the old
 * version closes only after the runs and leases in flight on it are done, a failed reload keeps
 * the old version serving, and a version a task holds is never closed under it.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ModelRegistry, type SessionFactory } from '../../src/runtime/model-registry.js'
import { DEFAULT_SESSION_OPTIONS, type ModelSession } from '../../src/runtime/session.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { float32 } from '../helpers/tensor-info.js'

const CLS_MANIFEST = path.join(PROJECT_ROOT, 'models/ppocr_mobile_v2_cls/manifest.yml')

/** Sessions that record their closing and whose runs finish when the test says so. */
function controlledSessions() {
  const sessions: Array<{ closed: boolean; release: Array<() => void> }> = []
  let failNext = false
  const factory: SessionFactory = async () => {
    if (failNext) {
      failNext = false
      throw new Error('cannot load: broken weights')
    }
    const record = { closed: false, release: [] as Array<() => void> }
    sessions.push(record)
    const session: ModelSession = {
      inputs: [float32('x', [-1, 3, -1, -1])],
      outputs: [float32('softmax_0.tmp_0', [-1, 2])],
      async run() {
        if (record.closed) throw new Error('run on a closed session')
        await new Promise<void>((resolve) => record.release.push(resolve))
        return { 'softmax_0.tmp_0': { data: new Float32Array([sessions.indexOf(record), 0]), dims: [1, 2] } }
      },
      close: async () => {
        record.closed = true
      },
    }
    return session
  }
  return { factory, sessions, failNextLoad: () => (failNext = true) }
}

const input = { image: { data: new Float32Array(3 * 48 * 192), dims: [1, 3, 48, 192] } }
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('ModelRegistry replace and unload', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-swap-'))
    const manifest = await readFile(CLS_MANIFEST, 'utf8')
    for (const name of ['served', 'tasked']) {
      await mkdir(path.join(dir, name))
      await writeFile(path.join(dir, name, 'manifest.yml'), manifest.replace(/^name: .*$/m, `name: ${name}`))
    }
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('replace swaps in the new version; the old one closes once its run and lease are done', async () => {
    const { factory, sessions } = controlledSessions()
    const registry = new ModelRegistry(dir, DEFAULT_SESSION_OPTIONS, factory)
    const first = await registry.replace('served', 1)
    assert.equal(registry.get('served'), first)
    const lease = first.acquire()
    const running = first.run(input)
    await tick()
    const second = await registry.replace('served', 1)
    assert.notEqual(second, first)
    assert.equal(registry.get('served'), second, 'new requests go to the new version at once')
    assert.equal(first.serving, false)
    assert.throws(() => first.acquire(), { name: 'ModelNotReady' })
    await tick()
    assert.equal(sessions[0]!.closed, false, 'a run is in flight on the old version')
    sessions[0]!.release.shift()!()
    assert.equal((await running).probs!.data[0], 0, 'the run finished on the old version')
    await tick()
    assert.equal(sessions[0]!.closed, false, 'a lease is still held')
    lease()
    await tick()
    assert.equal(sessions[0]!.closed, true, 'closed once drained')
    assert.equal(sessions[1]!.closed, false)
    assert.equal(registry.allReady(), true, 'packages loaded only through replace() do not gate readiness')
    await registry.closeAll()
    assert.equal(sessions[1]!.closed, true)
  })

  it('a failed reload keeps the loaded version serving; a failed first load is recorded', async () => {
    const { factory, sessions, failNextLoad } = controlledSessions()
    const registry = new ModelRegistry(dir, DEFAULT_SESSION_OPTIONS, factory)
    const first = await registry.replace('served', 1)
    failNextLoad()
    await assert.rejects(registry.replace('served', 1), /broken weights/)
    assert.equal(registry.get('served'), first)
    assert.equal(registry.state('served')?.state, 'ready')
    assert.equal(sessions[0]!.closed, false)
    await assert.rejects(registry.replace('no_such_package', 1), { name: 'ConfigError' })
    assert.equal(registry.state('no_such_package')?.state, 'failed')
    assert.equal(registry.allReady(), true)
    await registry.closeAll()
  })

  it('unload: gone from the registry at once with the reason; closed after the runs in flight', async () => {
    const { factory, sessions } = controlledSessions()
    const registry = new ModelRegistry(dir, DEFAULT_SESSION_OPTIONS, factory)
    const model = await registry.replace('served', 1)
    const running = model.run(input)
    await tick()
    assert.equal(await registry.unload('served', 'model served was unloaded by the test'), true)
    assert.equal(registry.get('served'), undefined)
    assert.equal(registry.state('served')?.state, 'unloaded')
    assert.throws(() => registry.requireReady(['served'], 'The test'), /The test is not ready: model served was unloaded by the test/)
    assert.equal(sessions[0]!.closed, false)
    sessions[0]!.release.shift()!()
    await running
    await tick()
    assert.equal(sessions[0]!.closed, true)
    await assert.rejects(model.run(input), { name: 'ModelNotReady' })
    assert.equal(await registry.unload('served', 'again'), false, 'nothing left to unload')
    await registry.closeAll()
  })

  it("a task's version stays open for the task when unloaded or replaced; readiness follows the registry", async () => {
    const { factory, sessions } = controlledSessions()
    const registry = new ModelRegistry(dir, DEFAULT_SESSION_OPTIONS, factory)
    const taskVersion = (await registry.load('tasked', 1))!
    assert.equal(registry.allReady(), true)
    await registry.unload('tasked', 'model tasked was unloaded')
    assert.equal(registry.allReady(), false, 'a package a task needs is unloaded')
    assert.throws(() => registry.requireReady(['tasked'], 'OCR'), { name: 'ModelNotReady' })
    await tick()
    assert.equal(sessions[0]!.closed, false, 'the task still holds it')
    const reloaded = await registry.replace('tasked', 1)
    assert.equal(registry.allReady(), true)
    assert.notEqual(reloaded, taskVersion)
    const running = taskVersion.run(input)
    await tick()
    sessions[0]!.release.shift()!()
    await running
    await registry.replace('tasked', 1)
    await tick()
    assert.equal(sessions[0]!.closed, false, "the task's version is never retired")
    assert.equal(sessions[1]!.closed, true, 'a version only the registry held is')
    await registry.closeAll()
    assert.ok(sessions.every((s) => s.closed), 'closeAll closes every version, the tasks\' too')
  })
})
