/** Deterministic synthetic vectors for retrieval tests (no model needed). */

export { seededRandom } from '../../../src/util/seeded-random.js'
import { seededRandom } from '../../../src/util/seeded-random.js'

/** n random unit vectors (row-major), like L2-normalised embeddings. */
export function unitVectors(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed)
  const out = new Float32Array(n * dim)
  for (let row = 0; row < n; row++) {
    let norm = 0
    for (let j = 0; j < dim; j++) {
      const value = random() * 2 - 1
      out[row * dim + j] = value
      norm += value * value
    }
    norm = Math.sqrt(norm)
    for (let j = 0; j < dim; j++) out[row * dim + j]! /= norm
  }
  return out
}

/** The vector that belongs to a gallery id (lets a test check vectors and ids stayed paired). */
export function vectorForId(id: number, dim: number): Float32Array {
  return unitVectors(1, dim, 1_000_003 + id)
}

export function row(vectors: Float32Array, index: number, dim: number): Float32Array {
  return vectors.subarray(index * dim, (index + 1) * dim)
}

export function items(ids: readonly number[]): { path: string; label: string }[] {
  return ids.map((id) => ({ path: `img/${id}.jpg`, label: `item-${id}` }))
}
