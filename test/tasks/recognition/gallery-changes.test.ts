/**
 * Gallery changes over HTTP, as the fuzz suite found them wrong (fake models, generated images):
 * - a change answered as failed must not be made, and one made must be answered as made: a
 *   removal or add whose X-Deadline-Ms passed during its commit was answered 504 and committed
 *   anyway, so a client retrying it removed or added twice. With deadlines around the time a
 *   change takes, each answer must match what the gallery holds once any work left behind has
 *   had time to finish;
 * - removing items deletes the images uploaded for them: a removal by label left them in
 *   index/NAME/uploads for ever.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fakeRecognitionSessions, installFakeRecognitionPackages } from '../../helpers/fake-recognition-sessions.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { seedItems, writeSeedGallery, type SeedItem } from '../../fuzz/gallery-seed.js'
import { needsFaiss } from '../../retrieval/helpers/needs-faiss.js'

const TOKEN = 'gallery-deadline-test-token'
const DEADLINES = ['1', '3', '6', '10', '15', '20', '30', '45']

describe('gallery changes over HTTP', { skip: needsFaiss }, () => {
  let root: string
  let server: TestServer
  let seed: SeedItem[]
  const auth = { authorization: `Bearer ${TOKEN}` }

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-gallery-deadline-'))
    await installFakeRecognitionPackages(path.join(root, 'models'))
    await mkdir(path.join(root, 'index'))
    seed = await seedItems()
    const buildMissing = await writeSeedGallery(path.join(root, 'gallery'), seed)
    server = await startTestServer(
      {
        models: { dir: path.join(root, 'models'), auto_pull: false },
        services: { ocr: { enabled: false }, recognize: { indexes_dir: path.join(root, 'index'), default_index: 'drink', build_missing: buildMissing, gallery: { token: TOKEN } } },
      },
      { sessionFactory: fakeRecognitionSessions() },
    )
  })
  after(async () => {
    await server?.close()
    await rm(root, { recursive: true, force: true })
  })

  /** The gallery's label counts once any abandoned work has had time to commit. */
  async function settledLabels(): Promise<Record<string, number>> {
    await sleep(150)
    return ((await (await fetch(`${server.url}/gallery/drink`)).json()) as { labels: Record<string, number> }).labels
  }

  it('a removal by label is answered 200 and made, or 504 and not made', async () => {
    for (const [i, deadline] of DEADLINES.entries()) {
      const label = seed[i]!.label
      const response = await fetch(`${server.url}/gallery/drink/items?label=${encodeURIComponent(label)}`, { method: 'DELETE', headers: { ...auth, 'x-deadline-ms': deadline } })
      assert.ok([200, 504].includes(response.status), `${response.status} ${await response.text()}`)
      const present = (await settledLabels())[label] === 1
      assert.equal(present, response.status === 504, `deadline ${deadline} ms: answered ${response.status}, item ${present ? 'still there' : 'removed'}`)
    }
  })

  it('an add is answered 201 and made, or 504 and not made', async () => {
    for (const deadline of DEADLINES) {
      const label = `added-${deadline}`
      const response = await fetch(`${server.url}/gallery/drink/items?label=${label}`, { method: 'POST', headers: { ...auth, 'content-type': 'image/png', 'x-deadline-ms': deadline }, body: seed[11]!.png })
      assert.ok([201, 504].includes(response.status), `${response.status} ${await response.text()}`)
      const present = (await settledLabels())[label] === 1
      assert.equal(present, response.status === 201, `deadline ${deadline} ms: answered ${response.status}, item ${present ? 'added' : 'not added'}`)
    }
  })

  it('removing items by id or by label deletes their uploaded images', async () => {
    const uploads = async () => (await readdir(path.join(root, 'index', 'drink', 'uploads')).catch(() => [])).length
    const before = await uploads()
    const add = async (label: string, i: number) => {
      const response = await fetch(`${server.url}/gallery/drink/items?label=${label}`, { method: 'POST', headers: { ...auth, 'content-type': 'image/png' }, body: seed[i]!.png })
      const text = await response.text()
      assert.equal(response.status, 201, text)
      return (JSON.parse(text) as { id: number }).id
    }
    const id = await add('by-id', 2)
    await add('by-label', 3)
    await add('by-label', 4)
    assert.equal(await uploads(), before + 3)
    assert.equal((await fetch(`${server.url}/gallery/drink/items/${id}`, { method: 'DELETE', headers: auth })).status, 200)
    assert.equal(await uploads(), before + 2)
    const removed = await fetch(`${server.url}/gallery/drink/items?label=by-label`, { method: 'DELETE', headers: auth })
    assert.equal(((await removed.json()) as { removed: number[] }).removed.length, 2)
    assert.equal(await uploads(), before, 'the images of items removed by label are deleted too')
  })
})
