/**
 * Row-major float32 matrices (n × dim) as retrieval keeps them: validation, concatenation, row
 * removal, and the chunked conversion to the `number[]` that faiss-node takes.
 */
import { InvalidVectors } from './errors.js'

/** Rows per faiss-node call: about 1 M numbers (8 MB as a JS array) whatever the dimension. */
export function rowsPerChunk(dim: number): number {
  return Math.max(1, Math.floor(2 ** 20 / dim))
}

/** Throws InvalidVectors unless `vectors` holds whole rows of `dim` finite numbers. */
export function checkRows(vectors: Float32Array, dim: number, what: string): number {
  if (vectors.length % dim !== 0) {
    throw new InvalidVectors(`${what}: ${vectors.length} numbers is not a whole number of ${dim}-d vectors`)
  }
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      throw new InvalidVectors(`${what}: vector ${Math.floor(i / dim)} has a non-finite value at dimension ${i % dim}`)
    }
  }
  return vectors.length / dim
}

export function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** The rows not in `remove`, in their original order (what a flat faiss index does on removal). */
export function withoutRows(vectors: Float32Array, dim: number, remove: ReadonlySet<number>): Float32Array {
  const rows = vectors.length / dim
  const out = new Float32Array((rows - remove.size) * dim)
  let at = 0
  for (let row = 0; row < rows; row++) {
    if (remove.has(row)) continue
    out.set(vectors.subarray(row * dim, (row + 1) * dim), at)
    at += dim
  }
  return out
}

/**
 * The `number[]` faiss-node takes. A filled array written in a loop stays a packed double array
 * and measured 3.5× faster than Array.from (23 vs 79 ms per million numbers). faiss-node then
 * reads it element by element through N-API, about 150 ns per number: most of the 9 s it takes
 * to build a 100k × 512 flat index from vectors (loading one from disk takes no such copy).
 */
export function toNumbers(values: Float32Array): number[] {
  const out = new Array<number>(values.length).fill(0)
  for (let i = 0; i < values.length; i++) out[i] = values[i]!
  return out
}

/** Hands `vectors` to `sink` as `number[]` chunks of whole rows, bounding the JS array size. */
export function forEachChunk(vectors: Float32Array, dim: number, sink: (chunk: number[]) => void): void {
  const step = rowsPerChunk(dim) * dim
  for (let start = 0; start < vectors.length; start += step) {
    sink(toNumbers(vectors.subarray(start, Math.min(vectors.length, start + step))))
  }
}
