/**
 * A gallery's label counts (GET /gallery/{index}) hold every label as the client sent it (found
 * by the fuzz suite: labels "toString" and "constructor" were counted as
 * "function toString() { [native code] }1", and "__proto__" was not listed at all).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { RecognitionGallery } from '../../../src/tasks/recognition/gallery.js'
import { needsFaiss } from '../../retrieval/helpers/needs-faiss.js'

describe('gallery label counts', { skip: needsFaiss }, () => {
  it('count labels named like Object.prototype members like any other', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-gallery-labels-'))
    try {
      const labels = ['__proto__', 'toString', 'constructor', 'toString', 'hasOwnProperty', 'plain']
      const vectors = labels.map((_, i) => Float32Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0.1)))
      const items = labels.map((label, i) => ({ path: `img${i}.jpg`, label }))
      const gallery = await RecognitionGallery.create(path.join(dir, 'shelf'), vectors, items, { model: 'm', metric: 'IP', method: 'Flat', whiten: false, segments: [8] })
      const counts = JSON.parse(JSON.stringify(gallery.info().labels)) as Record<string, unknown>
      assert.deepEqual(
        Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)),
        [['__proto__', 1], ['constructor', 1], ['hasOwnProperty', 1], ['plain', 1], ['toString', 2]],
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
