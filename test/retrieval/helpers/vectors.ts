/** Deterministic synthetic vectors for retrieval tests (no model needed). */

/** mulberry32: a tiny seeded PRNG, so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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
