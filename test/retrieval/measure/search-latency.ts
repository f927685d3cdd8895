/**
 * Measures what a faiss-node search costs the event loop (it is synchronous): 1 and 100 queries
 * on 10k and 100k random 512-d unit vectors, Flat vs HNSW32, inner product. Not a test; run
 *   node --import tsx test/retrieval/measure/search-latency.ts [sizes...]
 * OPENBLAS_NUM_THREADS and OMP_WAIT_POLICY get retrieval's defaults (see faiss-loader.ts);
 * export them (or OMP_NUM_THREADS) to compare. PPSERVE_BENCH_CACHE=DIR keeps the built indexes
 * there, so that comparisons do not rebuild a 100k HNSW index (minutes on 2 cores).
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { faiss } from '../../../src/retrieval/faiss-loader.js'
import { VectorIndex } from '../../../src/retrieval/vector-index.js'
import { toNumbers } from '../../../src/retrieval/vector-rows.js'
import type { IndexMethod } from '../../../src/retrieval/vector-index.js'
import { unitVectors } from '../helpers/vectors.js'

const DIM = 512
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

function time(index: VectorIndex, queries: Float32Array, runs: number): string {
  index.searchSync(queries, 5) // warm-up
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    index.searchSync(queries, 5)
    ms.push(performance.now() - started)
  }
  ms.sort((a, b) => a - b)
  return `median ${percentile(ms, 0.5).toFixed(2)} ms, p95 ${percentile(ms, 0.95).toFixed(2)} ms`
}

function build(method: IndexMethod, size: number, vectors: Float32Array): VectorIndex {
  const spec = { dim: DIM, metric: 'IP', method } as const
  const cache = process.env.PPSERVE_BENCH_CACHE
  const file = cache && path.join(cache, `${size}-${method}.index`)
  if (file && existsSync(file)) return VectorIndex.restore(spec, { native: faiss().Index.read(file), vectors, ivfTemplate: null })
  const index = VectorIndex.empty(spec).withAdded(vectors)
  if (file) index.writeNative(file)
  return index
}

faiss() // loads the addon, applying retrieval's thread settings
const env = (name: string) => `${name}=${process.env[name] ?? '(unset)'}`
console.log(`cores ${availableParallelism()}, ${env('OPENBLAS_NUM_THREADS')}, ${env('OMP_WAIT_POLICY')}, ${env('OMP_NUM_THREADS')}, k=5`)
for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) {
  const vectors = unitVectors(size, DIM, 7)
  const one = unitVectors(1, DIM, 8)
  const hundred = unitVectors(100, DIM, 9)
  for (const method of ['Flat', 'HNSW'] as IndexMethod[]) {
    const started = performance.now()
    const index = build(method, size, vectors)
    const buildS = ((performance.now() - started) / 1000).toFixed(1)
    const conversion = performance.now()
    for (let i = 0; i < 20; i++) toNumbers(hundred)
    const convertMs = ((performance.now() - conversion) / 20).toFixed(2)
    console.log(`${size} × ${DIM} ${method} (built or loaded in ${buildS} s):`)
    console.log(`  1 query:    ${time(index, one, 200)}`)
    console.log(`  100 queries: ${time(index, hundred, 20)} (of which Float32Array → number[]: ${convertMs} ms)`)
  }
}
