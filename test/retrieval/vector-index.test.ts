import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidVectors } from '../../src/retrieval/errors.js'
import { faiss } from '../../src/retrieval/faiss-loader.js'
import { VectorIndex, ivfListCount } from '../../src/retrieval/vector-index.js'
import type { IndexMethod, Metric } from '../../src/retrieval/vector-index.js'
import { turnsDuring } from '../helpers/event-loop-turns.js'
import { needsFaiss } from './helpers/needs-faiss.js'
import { row, unitVectors } from './helpers/vectors.js'

const DIM = 16
const METHODS: IndexMethod[] = ['Flat', 'HNSW', 'IVF']

async function topPositions(index: VectorIndex, queries: Float32Array, k = 1): Promise<number[][]> {
  return (await index.search(queries, k)).map((hits) => hits.map((hit) => hit.position))
}

describe('VectorIndex', { skip: needsFaiss }, () => {
  for (const method of METHODS) {
    it(`${method}: every stored vector finds itself first, with inner product ≈ 1`, async () => {
      const vectors = unitVectors(300, DIM, 1)
      const index = VectorIndex.empty({ dim: DIM, metric: 'IP', method }).withAdded(vectors)
      assert.equal(index.size, 300)
      assert.equal(index.nativeCount(), 300)
      const results = await index.search(vectors, 3)
      assert.equal(results.length, 300)
      results.forEach((hits, i) => {
        assert.equal(hits[0]!.position, i)
        assert.ok(Math.abs(hits[0]!.score - 1) < 1e-5, `score ${hits[0]!.score}`)
        assert.ok(hits[0]!.score >= hits[1]!.score && hits[1]!.score >= hits[2]!.score, 'best first')
      })
    })

    it(`${method}: removing keeps positions compacted in order, and stored vectors follow`, async () => {
      const vectors = unitVectors(120, DIM, 2)
      const full = VectorIndex.empty({ dim: DIM, metric: 'IP', method }).withAdded(vectors)
      const removed = [0, 5, 6, 50, 119]
      const index = full.withRemoved(removed)
      const kept = Array.from({ length: 120 }, (_, i) => i).filter((i) => !removed.includes(i))
      assert.equal(index.size, kept.length)
      assert.equal(index.nativeCount(), kept.length)
      for (const [position, original] of kept.entries()) {
        assert.deepEqual(index.vectors.subarray(position * DIM, (position + 1) * DIM), row(vectors, original, DIM))
        assert.deepEqual(await topPositions(index, row(vectors, original, DIM)), [[position]], `vector ${original} is now at ${position}`)
      }
      // A removed vector now finds something else.
      assert.notEqual((await topPositions(index, row(vectors, 50, DIM)))[0]![0], 50)
      assert.equal(full.size, 120, 'the old value is untouched (copy-on-write)')
      assert.deepEqual(await topPositions(full, row(vectors, 119, DIM)), [[119]])
    })
  }

  it('IVF is trained by its first add with PaddleClas list count min(N/8, 65536), and keeps that training', async () => {
    assert.equal(ivfListCount(1000), 125)
    assert.equal(ivfListCount(5), 1)
    assert.equal(ivfListCount(10_000_000), 65536)
    const vectors = unitVectors(400, DIM, 3)
    const index = VectorIndex.empty({ dim: DIM, metric: 'L2', method: 'IVF' }).withAdded(vectors)
    const template = index.ivfTemplate
    assert.ok(template, 'the trained, empty index is kept for rebuilds')
    const trained = faiss().Index.fromBuffer(template)
    assert.equal(trained.isTrained(), true)
    assert.equal(trained.ntotal(), 0)
    const smaller = index.withRemoved([1, 2, 3])
    assert.equal(smaller.ivfTemplate, template, 'a removal rebuilds from the same training')
    assert.equal(smaller.withAdded(unitVectors(5, DIM, 4)).ivfTemplate, template)
    // nprobe is 1, so IVF is approximate: most (not necessarily all) vectors find themselves.
    const self = (await topPositions(smaller, smaller.vectors)).filter((hits, i) => hits[0] === i).length
    assert.ok(self > 0.9 * smaller.size, `${self}/${smaller.size} found themselves`)
  })

  it('IP and L2 rank differently: IP prefers the long vector, L2 the near one', async () => {
    const stored = new Float32Array([
      ...[3, 3, ...new Array(DIM - 2).fill(0)], // long, 45° off the query
      ...[0.9, 0.1, ...new Array(DIM - 2).fill(0)], // short, close to the query
    ])
    const query = new Float32Array([1, 0, ...new Array(DIM - 2).fill(0)])
    const ranked = async (metric: Metric) => (await VectorIndex.empty({ dim: DIM, metric, method: 'Flat' }).withAdded(stored).search(query, 2))[0]!
    const ip = await ranked('IP')
    const l2 = await ranked('L2')
    assert.deepEqual(ip.map((h) => h.position), [0, 1])
    assert.deepEqual(ip.map((h) => h.score), [3, 0.8999999761581421])
    assert.deepEqual(l2.map((h) => h.position), [1, 0])
    assert.ok(Math.abs(l2[0]!.score - 0.02) < 1e-6, `squared L2 ${l2[0]!.score}`)
    assert.ok(Math.abs(l2[1]!.score - 13) < 1e-5, `squared L2 ${l2[1]!.score}`)
  })

  it('k above the size returns what there is; an empty index returns no hits', async () => {
    const empty = VectorIndex.empty({ dim: DIM, metric: 'IP', method: 'HNSW' })
    assert.deepEqual(await empty.search(unitVectors(2, DIM, 5), 5), [[], []])
    const index = empty.withAdded(unitVectors(3, DIM, 6))
    assert.equal((await index.search(unitVectors(1, DIM, 7), 10))[0]!.length, 3)
  })

  it('searches off the event loop: callbacks run while faiss searches, and the answer equals the synchronous search', async () => {
    const index = VectorIndex.empty({ dim: 128, metric: 'IP', method: 'Flat' }).withAdded(unitVectors(40_000, 128, 11))
    const queries = unitVectors(64, 128, 12)
    const { result: hits, turns } = await turnsDuring(() => index.search(queries, 3))
    assert.ok(turns > 0, 'no callback ran during the search: it held the event loop')
    const sync = faiss().Index.fromBuffer(index.toBytes()).search(Array.from(queries), 3)
    assert.deepEqual(hits.flat().map((h) => h.position), sync.labels)
    assert.deepEqual(hits.flat().map((h) => h.score), sync.distances.map((d) => Math.fround(d)))
  })

  it('refuses the wrong dimension, non-finite values, a bad k and positions out of range', async () => {
    const index = VectorIndex.empty({ dim: DIM, metric: 'IP', method: 'Flat' }).withAdded(unitVectors(4, DIM, 8))
    const isInvalid = (pattern: RegExp) => (error: Error) => error instanceof InvalidVectors && pattern.test(error.message)
    assert.throws(() => index.withAdded(new Float32Array(DIM + 1)), isInvalid(/17 numbers is not a whole number of 16-d vectors/))
    const nan = unitVectors(2, DIM, 9)
    nan[DIM + 3] = Number.NaN
    assert.throws(() => index.withAdded(nan), isInvalid(/vector 1 has a non-finite value at dimension 3/))
    await assert.rejects(index.search(unitVectors(1, DIM, 1), 0), isInvalid(/k must be a positive integer/))
    assert.throws(() => index.withRemoved([4]), isInvalid(/position 4 is outside 0..3/))
  })
})
