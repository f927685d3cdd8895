import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { IndexFileError, InvalidVectors } from '../../src/retrieval/errors.js'
import { GalleryIndex } from '../../src/retrieval/gallery-index.js'
import type { IndexMethod } from '../../src/retrieval/vector-index.js'
import { needsFaiss } from './helpers/needs-faiss.js'
import { items, row, unitVectors } from './helpers/vectors.js'

const DIM = 32
const root = mkdtempSync(path.join(tmpdir(), 'ppserve-gallery-'))
after(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
const freshDir = () => path.join(root, `g${++folders}`)

async function topIds(gallery: GalleryIndex, queries: Float32Array): Promise<number[]> {
  return (await gallery.search(queries, 1)).map((hits) => hits[0]!.id)
}

describe('GalleryIndex', { skip: needsFaiss }, () => {
  for (const method of ['Flat', 'HNSW', 'IVF'] as IndexMethod[]) {
    it(`${method}: ids stay stable through removal (faiss renumbers or rebuilds), and survive reopening`, async () => {
      const dir = freshDir()
      const gallery = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method, model: 'test-model' })
      const vectors = unitVectors(60, DIM, 11)
      assert.deepEqual(await gallery.add(vectors.subarray(0, 40 * DIM), items(range(40))), range(40))
      assert.deepEqual(await gallery.add(vectors.subarray(40 * DIM), items(range(20, 40))), range(40, 60))
      assert.equal(await gallery.remove([0, 3, 17, 39, 59]), 5)
      const kept = range(60).filter((id) => ![0, 3, 17, 39, 59].includes(id))
      const expectIds = async (g: GalleryIndex) => {
        assert.deepEqual(await topIds(g, selectRows(vectors, kept)), kept)
        assert.deepEqual(g.entries.map((e) => e.id), kept)
      }
      await expectIds(gallery)
      const fresh = await gallery.add(unitVectors(1, DIM, 12), items([99]))
      assert.deepEqual(fresh, [60], 'a new id, never a removed one (59 was the last)')
      const reopened = await GalleryIndex.open(dir)
      assert.equal(reopened.manifest.generation, 5)
      assert.equal(reopened.manifest.method, method)
      assert.equal(reopened.manifest.model, 'test-model')
      assert.deepEqual(await topIds(reopened, selectRows(vectors, kept)), kept)
      const hit = (await reopened.search(row(vectors, 20, DIM), 1))[0]![0]!
      assert.deepEqual({ id: hit.id, path: hit.path, label: hit.label }, { id: 20, path: 'img/20.jpg', label: 'item-20' })
      assert.deepEqual(readdirSync(dir).sort(), ['CURRENT', 'gen-000005'], 'old generations are cleaned up')
    })
  }

  it('serialises concurrent writers: every add lands, in order, one generation each', async () => {
    const gallery = await GalleryIndex.create(freshDir(), { dim: DIM, metric: 'L2', method: 'Flat', model: 'm' })
    const vectors = unitVectors(10, DIM, 13)
    const ids = await Promise.all(range(10).map((i) => gallery.add(row(vectors, i, DIM), items([i]))))
    assert.deepEqual(ids, range(10).map((i) => [i]))
    assert.equal(gallery.manifest.generation, 11)
    assert.deepEqual(await topIds(gallery, vectors), range(10))
  })

  it('a failed change leaves the gallery as it was, and later changes still run', async () => {
    const gallery = await GalleryIndex.create(freshDir(), { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' })
    await gallery.add(unitVectors(3, DIM, 14), items([0, 1, 2]))
    await assert.rejects(gallery.remove([1, 42]), (error: Error) => error instanceof InvalidVectors && /id 42/.test(error.message))
    await assert.rejects(gallery.add(unitVectors(2, DIM, 15), items([5])), /2 vectors but 1 items/)
    assert.equal(gallery.size, 3)
    assert.equal(gallery.manifest.generation, 2)
    assert.equal(await gallery.remove([1]), 1)
    assert.equal(gallery.manifest.generation, 3)
  })

  it('searches during a change see the whole old state or the whole new one, never a mix', async () => {
    // Flat: exact, so every answer lists the whole gallery and shows which state it came from.
    const gallery = await GalleryIndex.create(freshDir(), { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' })
    const vectors = unitVectors(300, DIM, 16)
    await gallery.add(vectors.subarray(0, 200 * DIM), items(range(200)))
    const query = row(vectors, 0, DIM)
    const seen: string[] = []
    let changing = true
    const searching = (async () => {
      while (changing) {
        const hits = (await gallery.search(query, 400))[0]!
        const ids = hits.map((hit) => hit.id)
        // One state per answer: 200 hits all below 200 (old), or 300 hits including 250 (new).
        const state = hits.length === 200 && Math.max(...ids) < 200 ? 'old' : hits.length === 300 && ids.includes(250) ? 'new' : 'mixed'
        assert.notEqual(state, 'mixed', `a search saw ${hits.length} hits, max id ${Math.max(...ids)}`)
        seen.push(state)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await gallery.add(vectors.subarray(200 * DIM), items(range(200, 300)))
    const duringChange = seen.length
    changing = false
    await searching
    assert.ok(duringChange > 1, `only ${duringChange} searches ran while the change was being written`)
    assert.equal(seen[0], 'old')
    assert.equal((await gallery.search(query, 400))[0]!.length, 300)
  })

  it('refuses to create over an existing gallery, and to open a folder without CURRENT', async () => {
    const dir = freshDir()
    await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' })
    await assert.rejects(GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' }), /already holds a gallery index/)
    await assert.rejects(GalleryIndex.open(freshDir()), (error: Error) => error instanceof IndexFileError && /has no CURRENT file/.test(error.message))
  })
})

describe('GalleryIndex refuses damaged files, naming them', { skip: needsFaiss }, () => {
  async function damaged(edit: (genDir: string) => void): Promise<Error> {
    const dir = freshDir()
    const gallery = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' })
    await gallery.add(unitVectors(5, DIM, 17), items(range(5)))
    edit(path.join(dir, 'gen-000002'))
    const error = await GalleryIndex.open(dir).then(
      () => assert.fail('opened a damaged gallery'),
      (e: Error) => e,
    )
    assert.ok(error instanceof IndexFileError, `${error.name}: ${error.message}`)
    return error
  }
  const editJson = (file: string, change: (value: { entries: unknown[] }) => void) => {
    const value = JSON.parse(readFileSync(file, 'utf8'))
    change(value)
    writeFileSync(file, JSON.stringify(value))
  }

  it('an id map with an entry missing: the counts of all three files', async () => {
    const error = await damaged((genDir) => editJson(path.join(genDir, 'id_map.json'), (map) => map.entries.pop()))
    assert.match(error.message, /gen-000002 is inconsistent: vector\.index holds 5 vectors, id_map\.json 4 entries, vectors\.f32 5 vectors .*refusing to load a mismatched set/)
  })

  it('an id map edited in place (same count): its checksum', async () => {
    const error = await damaged((genDir) =>
      editJson(path.join(genDir, 'id_map.json'), (map) => ((map.entries[2] as { label: string }).label = 'something else')),
    )
    assert.match(error.message, /gen-000002\/id_map\.json does not match manifest\.json .*corrupt or from another generation/)
  })

  it('a truncated id map: not JSON', async () => {
    const error = await damaged((genDir) => {
      const file = path.join(genDir, 'id_map.json')
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40))
    })
    assert.match(error.message, /id_map\.json is not valid JSON .*corrupt/)
  })

  it('a vectors file from another generation (one vector short)', async () => {
    const error = await damaged((genDir) => {
      const file = path.join(genDir, 'vectors.f32')
      writeFileSync(file, readFileSync(file).subarray(0, 4 * DIM * 4))
    })
    assert.match(error.message, /vectors\.f32 4 vectors/)
  })

  it('a faiss file that is not the one written', async () => {
    const error = await damaged((genDir) => writeFileSync(path.join(genDir, 'vector.index'), Buffer.from('IxFI garbage')))
    assert.match(error.message, /gen-000002\/vector\.index does not match manifest\.json/)
  })
})

function range(from: number, to?: number): number[] {
  const [start, end] = to === undefined ? [0, from] : [from, to]
  return Array.from({ length: end - start }, (_, i) => start + i)
}

function selectRows(vectors: Float32Array, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * DIM)
  rows.forEach((r, i) => out.set(row(vectors, r, DIM), i * DIM))
  return out
}

describe('two processes on one gallery folder', { skip: needsFaiss }, () => {
  it('a copy another writer has overtaken builds on the latest generation: no change is lost', async () => {
    const dir = freshDir()
    const first = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'test-model' })
    const second = await GalleryIndex.open(dir)
    assert.deepEqual(await first.add(unitVectors(2, DIM, 21), items([0, 1])), [0, 1])
    assert.equal(await second.isStale(), true)
    assert.deepEqual(await second.add(unitVectors(1, DIM, 22), items([2])), [2], 'ids continue from the latest generation')
    assert.equal(second.manifest.generation, 3)
    assert.deepEqual(await first.remove([0]), 1)
    const reopened = await GalleryIndex.open(dir)
    assert.equal(await reopened.isStale(), false)
    assert.deepEqual(reopened.entries.map((e) => e.id), [1, 2], 'both writers’ changes are in the latest generation')
  })

  it('refresh() loads a newer generation and never goes back', async () => {
    const dir = freshDir()
    const writer = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'test-model' })
    const reader = await GalleryIndex.open(dir)
    assert.equal(await reader.refresh(), false)
    await writer.add(unitVectors(3, DIM, 23), items([0, 1, 2]))
    const before = reader.snapshot()
    assert.equal(await reader.refresh(), true)
    assert.equal(reader.size, 3)
    assert.equal(before.idMap.size, 0, 'a search holding the old state keeps it')
    assert.equal(await reader.refresh(), false)
  })
})
