/**
 * Two server replicas on one index folder (fake models, generated images): what one commits the
 * other serves within 2 s, concurrent writers through both lose nothing, the index CLI writing
 * beside them is seen, and a change that cannot get the folder's lock before its deadline is
 * answered 503 in time, not left hanging.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os, { hostname } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { lockFileOf } from '../../../src/retrieval/folder-lock.js'
import { blockPattern, seedItems, writeSeedGallery } from '../../fuzz/gallery-seed.js'
import { fakeRecognitionSessions, installFakeRecognitionPackages } from '../../helpers/fake-recognition-sessions.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { PROJECT_ROOT } from '../../helpers/shared-assets.js'
import { needsFaiss } from '../../retrieval/helpers/needs-faiss.js'

const VISIBLE_WITHIN_MS = 2_000

describe('a gallery shared by two server replicas', { skip: needsFaiss }, () => {
  let root: string
  let indexesDir: string
  let a: TestServer
  let b: TestServer
  let pattern = 100 // images never seen before, one per item added

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-shared-gallery-'))
    indexesDir = path.join(root, 'index')
    await installFakeRecognitionPackages(path.join(root, 'models'))
    await mkdir(indexesDir)
    const buildMissing = await writeSeedGallery(path.join(root, 'gallery'), await seedItems())
    const config = {
      models: { dir: path.join(root, 'models'), auto_pull: false },
      services: { ocr: { enabled: false }, recognize: { indexes_dir: indexesDir, default_index: 'drink', build_missing: buildMissing } },
    }
    a = await startTestServer(config, { sessionFactory: fakeRecognitionSessions() })
    b = await startTestServer(config, { sessionFactory: fakeRecognitionSessions() })
  })
  after(async () => {
    await a?.close()
    await b?.close()
    await rm(root, { recursive: true, force: true })
  })

  async function labels(server: TestServer): Promise<Record<string, number>> {
    const response = await fetch(`${server.url}/gallery/drink`)
    assert.equal(response.status, 200)
    return ((await response.json()) as { labels: Record<string, number> }).labels
  }

  /** The labels /recognize gives the image's boxes. */
  async function recognized(server: TestServer, png: Uint8Array): Promise<string[]> {
    const response = await fetch(`${server.url}/recognize`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })
    const text = await response.text()
    assert.equal(response.status, 200, text)
    return (JSON.parse(text) as { results: Array<Array<{ rec_docs: string }>> }).results[0]!.map((r) => r.rec_docs)
  }

  async function add(server: TestServer, label: string, png: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}/gallery/drink/items?label=${encodeURIComponent(label)}`, { method: 'POST', headers: { 'content-type': 'image/png', ...headers }, body: png })
  }

  async function added(server: TestServer, label: string, png: Uint8Array): Promise<number> {
    const response = await add(server, label, png)
    const text = await response.text()
    assert.equal(response.status, 201, text)
    return (JSON.parse(text) as { id: number }).id
  }

  /** Polls `check` until it holds; fails when it still does not after VISIBLE_WITHIN_MS. */
  async function within(what: string, check: () => Promise<boolean>): Promise<void> {
    const started = Date.now()
    while (!(await check())) {
      assert.ok(Date.now() - started < VISIBLE_WITHIN_MS, `${what}: not within ${VISIBLE_WITHIN_MS} ms`)
      await sleep(25)
    }
  }

  it('an item added through A is found through B within 2 s', async () => {
    const png = await blockPattern(pattern++)
    assert.ok(!(await recognized(b, png)).includes('added-through-a'))
    await added(a, 'added-through-a', png)
    await within('B recognises the item A added', async () => (await recognized(b, png)).includes('added-through-a'))
  })

  it('an item deleted through B is gone from A', async () => {
    const png = await blockPattern(pattern++)
    const id = await added(a, 'deleted-through-b', png)
    await within('B has the item', async () => (await labels(b))['deleted-through-b'] === 1)
    const response = await fetch(`${b.url}/gallery/drink/items/${id}`, { method: 'DELETE' })
    assert.equal(response.status, 200, await response.text())
    await within('A no longer has the item', async () => (await labels(a))['deleted-through-b'] === undefined)
    assert.ok(!(await recognized(a, png)).includes('deleted-through-b'))
  })

  it('concurrent adds through both replicas: none is lost, every id is distinct', async () => {
    const before = Object.values(await labels(a)).reduce((sum, n) => sum + n, 0)
    const png = await blockPattern(pattern++)
    const wanted = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`)
    const ids = await Promise.all(wanted.map((label, i) => added(i % 2 === 0 ? a : b, label, png)))
    assert.equal(new Set(ids).size, ids.length, `ids handed out twice: ${ids.join(', ')}`)
    for (const server of [a, b]) {
      await within('every concurrent add is there', async () => {
        const now = await labels(server)
        return wanted.every((label) => now[label] === 1) && Object.values(now).reduce((sum, n) => sum + n, 0) === before + wanted.length
      })
    }
  })

  it('the index CLI removing items while the servers run is seen by both', async () => {
    await added(b, 'removed-by-cli', await blockPattern(pattern++))
    await within('A has the item', async () => (await labels(a))['removed-by-cli'] === 1)
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', 'remove', '--name', 'drink', '--label', 'removed-by-cli', '--indexes-dir', indexesDir], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, PPSERVE_LOG: 'warn' },
      })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stderr }))
    })
    assert.equal(run.code, 0, run.stderr)
    for (const server of [a, b]) await within('the CLI’s removal is served', async () => (await labels(server))['removed-by-cli'] === undefined)
  })

  it('a change that cannot get the folder lock before its deadline is answered 503 in time, and not made', async () => {
    const lockFile = lockFileOf(path.join(indexesDir, 'drink'))
    await writeFile(lockFile, `${process.pid} ${hostname()}\n`) // a live holder on this host
    try {
      const started = Date.now()
      const response = await add(a, 'behind-the-lock', await blockPattern(pattern++), { 'x-deadline-ms': '500' })
      const elapsed = Date.now() - started
      const body = await response.text()
      assert.equal(response.status, 503, body)
      assert.match(body, /being changed by another ppserve process \(pid \d+\)/)
      assert.ok(response.headers.get('retry-after'), 'says when to retry')
      assert.ok(elapsed < 1_500, `answered after ${elapsed} ms`)
    } finally {
      await rm(lockFile, { force: true })
    }
    await sleep(200)
    assert.equal((await labels(a))['behind-the-lock'], undefined)
    await added(a, 'behind-the-lock', await blockPattern(pattern++)) // free again
  })
})
