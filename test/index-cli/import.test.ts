/**
 * `ppserve index import` of the PaddleClas-built drink index (../shared/assets/drink_dataset_v1.0/
 * index: vector.index + id_map.pkl): 512-d, faiss ntotal equal to the id map's size, Chinese labels
 * and paths as the data file has them; HNSW removal (a rebuild) keeps every other entry findable
 * under its own id; a corrupted id map is refused with a message naming the file.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { readPaddleClasIndex } from '../../src/retrieval/paddleclas-import.js'
import { generationName } from '../../src/retrieval/generation-store.js'
import { RecognitionGallery } from '../../src/tasks/recognition/gallery.js'
import { asset } from '../helpers/shared-assets.js'
import { createIndexCliEnv, galleryLines, indexCliSkip, parseInfo, type IndexCliEnv } from './helpers/index-cli.js'

const SOURCE = asset('drink_dataset_v1.0/index')

describe('ppserve index import (PaddleClas drink index)', { skip: indexCliSkip, timeout: 120_000 }, () => {
  let env: IndexCliEnv
  before(() => {
    env = createIndexCliEnv('index-import')
  })
  after(() => env?.remove())

  it('imports 512-d vectors with ntotal equal to the id map, and labels round-trip', async () => {
    const run = await env.index(['import', '--name', 'drink', '--from', SOURCE])
    assert.equal(run.code, 0, run.stderr)
    const source = await readPaddleClasIndex(SOURCE)
    const count = source.entries.length
    assert.match(run.stdout, new RegExp(`${count} vectors, id map ${count} entries`))
    const info = parseInfo(await env.index(['info', '--name', 'drink', '--json']))
    assert.equal(info.dim, 512)
    assert.equal(info.ntotal, info.size)
    assert.equal(info.size, count)
    assert.equal(info.method, 'HNSW', "PaddleClas's own method by default")
    assert.equal(info.model, 'general_PPLCNet_x2_5_lite_v1.0')
    assert.equal(info.whitened, false)

    // Every line of the data file the index was built from is an entry, path and label as written.
    const gallery = await RecognitionGallery.open(path.join(env.indexesDir, 'drink'))
    const entries = new Set(gallery.index.entries.map((e) => `${e.path}\t${e.label}`))
    const lines = galleryLines()
    assert.deepEqual(lines.filter((line) => !entries.has(line)), [])
    assert.equal(count - lines.length, 1, 'the PaddleClas index holds one image beyond drink_label_all.txt')
    assert.deepEqual(gallery.index.entries.map((e) => [e.id, e.path, e.label]), source.entries.map((e) => [e.id, e.path, e.label]))
    assert.equal(info.labels['脉动'], lines.filter((l) => l.endsWith('\t脉动')).length)
  })

  it('HNSW remove rebuilds the graph: the label is gone and every other entry is found under its own id', async () => {
    const dir = path.join(env.indexesDir, 'drink')
    const before = await RecognitionGallery.open(dir)
    const label = '脉动'
    const removedIds = before.index.entries.filter((e) => e.label === label).map((e) => e.id)
    assert.ok(removedIds.length > 1)
    const run = await env.index(['remove', '--name', 'drink', '--label', label])
    assert.equal(run.code, 0, run.stderr)

    const gallery = await RecognitionGallery.open(dir)
    const { entries, manifest } = gallery.index
    assert.deepEqual([manifest.method, manifest.generation, entries.length], ['HNSW', 2, before.index.size - removedIds.length])
    assert.ok(entries.every((e) => e.label !== label))
    assert.deepEqual(
      entries.map((e) => e.id),
      before.index.entries.filter((e) => e.label !== label).map((e) => e.id),
      'ids are kept, in order',
    )
    // Query every stored vector: the top hit is the entry itself (or an exact duplicate of it).
    const stored = gallery.index.snapshot().index.vectors
    const hits = await gallery.index.search(stored, 1)
    const misses = entries.filter((entry, i) => hits[i]![0]!.id !== entry.id && hits[i]![0]!.score < 0.9999)
    assert.deepEqual(misses, [])
  })

  it('a corrupted id map is refused with a message naming the file', async () => {
    const copied = await env.index(['import', '--name', 'broken', '--from', SOURCE, '--method', 'Flat'])
    assert.equal(copied.code, 0, copied.stderr)
    const idMap = path.join(env.indexesDir, 'broken', generationName(1), 'id_map.json')
    const text = readFileSync(idMap, 'utf8')
    writeFileSync(idMap, text.replace('"脉动"', '"篡改"'))
    const run = await env.index(['info', '--name', 'broken'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /^ppserve: .*id_map\.json does not match manifest\.json .*corrupt/)
    assert.equal(run.stderr.trim().split('\n').length, 1, 'one line, no stack')
    await assert.rejects(RecognitionGallery.open(path.join(env.indexesDir, 'broken')), /id_map\.json/)

    writeFileSync(idMap, text.slice(0, text.length / 2))
    const truncated = await env.index(['info', '--name', 'broken'])
    assert.equal(truncated.code, 1)
    assert.match(truncated.stderr, /id_map\.json is not valid JSON/)
  })
})
