import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { IndexFileError } from '../../src/retrieval/errors.js'
import { faiss } from '../../src/retrieval/faiss-loader.js'
import { GalleryIndex } from '../../src/retrieval/gallery-index.js'
import { importPaddleClasIndex, readPaddleClasIndex } from '../../src/retrieval/paddleclas-import.js'
import { readIntStringDict } from '../../src/retrieval/pickle-reader.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'
import { needsFaiss } from './helpers/needs-faiss.js'

const SOURCE = asset('drink_dataset_v1.0', 'index')
const root = mkdtempSync(path.join(tmpdir(), 'ppserve-import-'))
after(() => rmSync(root, { recursive: true, force: true }))

/** PaddleClas's own labels, straight from the pickle: id → label. */
function pickleLabels(): Map<number, string> {
  const lines = readIntStringDict(readFileSync(path.join(SOURCE, 'id_map.pkl')), 'id_map.pkl')
  return new Map([...lines].map(([id, line]) => [id, line.split('\t')[1]!]))
}

describe('PaddleClas index import (drink_dataset_v1.0)', { skip: needsSharedAssets }, () => {
  it('reads vector.index (IndexIDMap2 around HNSW32, IP) and id_map.pkl without faiss', async () => {
    const source = await readPaddleClasIndex(SOURCE)
    assert.deepEqual(source.spec, { dim: 512, metric: 'IP', method: 'HNSW' })
    assert.equal(source.vectors.length, 1069 * 512)
    assert.equal(source.entries.length, 1069)
    assert.equal(source.nextId, 1069)
    assert.deepEqual(source.entries[0], { id: 0, path: '0/0.jpg', label: '脉动' })
    assert.deepEqual(source.entries[1068], { id: 1068, path: '213/0.jpg', label: '酸辣粉' })
    // PP-ShiTu features are L2-normalised.
    for (let i = 0; i < 1069; i += 97) {
      const norm = Math.hypot(...source.vectors.subarray(i * 512, (i + 1) * 512))
      assert.ok(Math.abs(norm - 1) < 1e-4, `vector ${i} has norm ${norm}`)
    }
  })

  it('imports into a gallery folder: 512-d, ntotal = id map size, every label round-trips', { skip: needsFaiss }, async () => {
    const dir = path.join(root, 'drink')
    await importPaddleClasIndex(SOURCE, dir, { model: 'general_PPLCNet_x2_5_lite_v1.0' })
    const gallery = await GalleryIndex.open(dir)
    const { manifest } = gallery
    assert.deepEqual([manifest.dim, manifest.metric, manifest.method, manifest.model], [512, 'IP', 'HNSW', 'general_PPLCNet_x2_5_lite_v1.0'])
    assert.equal(manifest.count, 1069)
    assert.equal(gallery.snapshot().index.nativeCount(), 1069)
    const labels = pickleLabels()
    assert.equal(gallery.size, labels.size)
    for (const entry of gallery.entries) assert.equal(entry.label, labels.get(entry.id), `label of id ${entry.id}`)
    assert.equal(new Set(gallery.entries.map((e) => e.label)).size, 213)
  })

  it('searches like the PaddleClas index itself: same top-1 score for every gallery vector', { skip: needsFaiss }, async (t) => {
    const gallery = await importPaddleClasIndex(SOURCE, path.join(root, 'drink-compare'), { model: 'm' })
    const vectors = gallery.snapshot().index.vectors
    const ours = await gallery.search(vectors, 2)
    // faiss-node reads PaddleClas's file as is; its labels are PaddleClas ids (IndexIDMap2).
    const original = faiss().Index.read(path.join(SOURCE, 'vector.index')).search(Array.from(vectors), 2)
    let sameId = 0
    ours.forEach((hits, q) => {
      assert.ok(Math.abs(hits[0]!.score - original.distances[2 * q]!) < 1e-4, `query ${q}: ${hits[0]!.score} vs ${original.distances[2 * q]}`)
      if (hits[0]!.id === original.labels[2 * q]) sameId++
    })
    // Identical gallery images give equal scores, so a tie may pick either id.
    t.diagnostic(`${sameId}/1069 queries have the same top-1 id in both indexes`)
    assert.ok(sameId >= 0.98 * 1069, `${sameId}/1069 identical top-1 ids`)
  })

  it('refuses a vector.index and an id_map.pkl that are not a pair, naming both', async () => {
    const dir = path.join(root, 'mismatch')
    mkdirSync(dir)
    copyFileSync(path.join(SOURCE, 'vector.index'), path.join(dir, 'vector.index'))
    // pickle.dumps({0: 'a', 70000: 'b'}, protocol=2)
    writeFileSync(path.join(dir, 'id_map.pkl'), Buffer.from('80027d7100284b0058010000006171014a701101005801000000627102752e', 'hex'))
    await assert.rejects(readPaddleClasIndex(dir), (error: Error) =>
      error instanceof IndexFileError && /vector\.index holds 1069 vectors but .*id_map\.pkl has 2 entries: they are not a pair/.test(error.message),
    )
  })
})
