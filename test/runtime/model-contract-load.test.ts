/**
 * Load-time contract over a real model: the shipped direction-classifier manifest, copied with a
 * wrong tensor name, a wrong element type or a wrong fixed dimension, fails to load with a message
 * naming the package, the tensor, expected and actual; a server configured with such packages
 * stays up and /readyz names them.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ModelRegistry, type ModelState } from '../../src/runtime/model-registry.js'
import { DEFAULT_SESSION_OPTIONS } from '../../src/runtime/session.js'
import { smallJpeg } from '../helpers/bad-images.js'
import { startTestServer } from '../helpers/http-server.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const SHIPPED = path.join(PROJECT_ROOT, 'models/ppocr_mobile_v2_cls/manifest.yml')
const FEED = '{ name: x, alias: image, dtype: float32, shape: [-1, 3, 48, 192] }'
const FETCH = '{ name: softmax_0.tmp_0, alias: probs, dtype: float32, shape: [-1, 2] }'

/** Each broken copy: the edit, and what its load failure must say after the package name. */
const BROKEN = {
  wrong_name: { from: FETCH, to: FETCH.replace('softmax_0', 'softmax_9'), says: 'fetch "softmax_9.tmp_0" (alias probs) is not an output; outputs: softmax_0.tmp_0' },
  wrong_dtype: { from: FEED, to: FEED.replace('float32', 'int64'), says: 'feed "x" (alias image): element type expected int64, model has float32' },
  wrong_dim: { from: FETCH, to: FETCH.replace('[-1, 2]', '[-1, 3]'), says: 'fetch "softmax_0.tmp_0" (alias probs): shape expected [-1, 3], model has [-1, 2] (axis 1)' },
} as const

describe('the manifest contract, checked when a real model loads', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-contract-load-'))
    const shipped = await readFile(SHIPPED, 'utf8')
    assert.ok(shipped.includes(FEED) && shipped.includes(FETCH), 'the shipped manifest still has the lines this test edits')
    const copies: Record<string, string> = { intact: shipped }
    for (const [name, edit] of Object.entries(BROKEN)) copies[name] = shipped.replace(edit.from, edit.to)
    for (const [name, text] of Object.entries(copies)) {
      await mkdir(path.join(dir, name))
      await writeFile(path.join(dir, name, 'manifest.yml'), text.replace(/^name: .*$/m, `name: ${name}`))
    }
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const expectFailed = (state: ModelState | undefined, name: keyof typeof BROKEN) => {
    assert.equal(state?.state, 'failed', `${name}: ${JSON.stringify(state)}`)
    assert.ok(state.message!.startsWith(`model ${name} (${path.join(dir, name)}/manifest.yml): manifest does not match `), state.message)
    assert.ok(state.message!.endsWith(`: ${BROKEN[name].says}`), state.message)
  }

  it('each broken copy fails its load naming package, tensor, expected and actual; the intact copy loads', async () => {
    const registry = new ModelRegistry(dir, { ...DEFAULT_SESSION_OPTIONS, intraOpThreads: 1 })
    try {
      for (const name of ['intact', ...Object.keys(BROKEN)]) await registry.load(name, 1)
      const states = new Map(registry.list().map((state) => [state.name, state]))
      assert.equal(states.get('intact')?.state, 'ready')
      for (const name of Object.keys(BROKEN) as Array<keyof typeof BROKEN>) expectFailed(states.get(name), name)
    } finally {
      await registry.closeAll()
    }
  })

  it('a server configured with them stays up: /healthz 200, /readyz 503 naming each, their route 503', async () => {
    const server = await startTestServer({
      models: { dir },
      services: { ocr: { enabled: false }, classify: { enabled: true, default_model: 'wrong_name', models: ['wrong_dtype', 'wrong_dim'] } },
    })
    try {
      assert.equal((await fetch(server.url + '/healthz')).status, 200)
      const ready = await fetch(server.url + '/readyz')
      assert.equal(ready.status, 503)
      const { models } = (await ready.json()) as { models: ModelState[] }
      for (const name of Object.keys(BROKEN) as Array<keyof typeof BROKEN>) expectFailed(models.find((m) => m.name === name), name)
      const response = await fetch(server.url + '/classify/wrong_dim', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await smallJpeg() })
      assert.equal(response.status, 503)
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      assert.equal(error.code, 'model_not_ready')
      assert.match(error.message, /model wrong_dim .*shape expected \[-1, 3\], model has \[-1, 2\]/)
    } finally {
      await server.close()
    }
  })
})
