import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IndexFileError } from '../../src/retrieval/errors.js'
import { faiss } from '../../src/retrieval/faiss-loader.js'
import { readFaissFile } from '../../src/retrieval/faiss-file-reader.js'
import { VectorIndex } from '../../src/retrieval/vector-index.js'
import type { IndexMethod, Metric } from '../../src/retrieval/vector-index.js'
import { needsFaiss } from './helpers/needs-faiss.js'
import { unitVectors } from './helpers/vectors.js'

const DIM = 8

/** The faiss bytes of an index built by faiss itself from `vectors`. */
function faissBytes(method: IndexMethod, metric: Metric, vectors: Float32Array): Buffer {
  return VectorIndex.empty({ dim: DIM, metric, method }).withAdded(vectors).toBytes()
}

describe('faiss file reader', { skip: needsFaiss }, () => {
  for (const method of ['Flat', 'HNSW', 'IVF'] as IndexMethod[]) {
    for (const metric of ['IP', 'L2'] as Metric[]) {
      it(`${method} ${metric}: gives back exactly the vectors faiss stored, in position order`, () => {
        const vectors = unitVectors(200, DIM, 31)
        const contents = readFaissFile(faissBytes(method, metric, vectors), `${method}.index`)
        assert.deepEqual({ method: contents.method, dim: contents.dim, metric: contents.metric, ids: contents.ids }, { method, dim: DIM, metric, ids: null })
        assert.deepEqual(contents.vectors, vectors)
      })
    }
  }

  it('IVF with mostly empty lists (faiss writes them "sparse")', () => {
    const vectors = unitVectors(200, DIM, 34)
    const trained = VectorIndex.empty({ dim: DIM, metric: 'L2', method: 'IVF' }).withAdded(vectors)
    const few = trained.withRemoved(Array.from({ length: 196 }, (_, i) => i + 4)) // 4 vectors in 25 lists
    assert.ok(few.toBytes().includes(Buffer.from('sprs')), 'faiss chose the sparse layout')
    assert.deepEqual(readFaissFile(few.toBytes(), 'sparse.index').vectors, vectors.subarray(0, 4 * DIM))
  })

  it('IndexIDMap2 around IVF,Flat (PaddleClas "IVF"): vectors by position and the stored ids', () => {
    const vectors = unitVectors(100, DIM, 35)
    const inner = faissBytes('IVF', 'IP', vectors)
    // PaddleClas's layout, assembled by hand: "IxM2", the same 33-byte index header, the inner
    // index, then the id of each position (faiss-node cannot add with ids to build one).
    const ids = new BigInt64Array(Array.from({ length: 100 }, (_, i) => BigInt(5000 + 3 * i)))
    const count = Buffer.alloc(8)
    count.writeBigInt64LE(100n)
    const wrapped = Buffer.concat([Buffer.from('IxM2'), inner.subarray(4, 37), inner, count, Buffer.from(ids.buffer)])
    const contents = readFaissFile(wrapped, 'idmap.index')
    assert.equal(contents.method, 'IVF')
    assert.deepEqual(contents.vectors, vectors)
    assert.deepEqual(contents.ids, Array.from({ length: 100 }, (_, i) => 5000 + 3 * i))
    // faiss itself reads the assembled file the same way: searches answer with the stored ids.
    const hit = faiss().Index.fromBuffer(wrapped).search(Array.from(vectors.subarray(7 * DIM, 8 * DIM)), 1)
    assert.deepEqual(hit.labels, [5021])
  })

  it('refuses a truncated file, trailing bytes and index types it cannot take vectors from', () => {
    const bytes = faissBytes('Flat', 'IP', unitVectors(10, DIM, 32))
    const refused = (pattern: RegExp) => (error: Error) => error instanceof IndexFileError && pattern.test(error.message)
    assert.throws(() => readFaissFile(bytes.subarray(0, bytes.length - 3), 'cut.index'), refused(/cut\.index: the file ends early/))
    assert.throws(() => readFaissFile(Buffer.concat([bytes, Buffer.from([0])]), 'long.index'), refused(/unexpected bytes after the index/))
    const pq = faiss().Index.fromFactory(DIM, 'PQ2x4', 1)
    pq.train(Array.from(unitVectors(64, DIM, 33)))
    assert.throws(() => readFaissFile(pq.toBuffer(), 'pq.index'), refused(/pq\.index: index type "IxPq" is not supported/))
  })
})
