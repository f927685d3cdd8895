/** Euclidean (L2) normalisation of feature vectors: inner products of the results are cosines. */

/** Scales `vector` in place to unit length; an all-zero vector stays zero (it has no direction). */
export function l2NormalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!
  if (sum === 0) return vector
  const scale = 1 / Math.sqrt(sum)
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale
  return vector
}

/** A unit-length copy of `vector`. */
export function l2Normalize(vector: Float32Array): Float32Array {
  return l2NormalizeInPlace(Float32Array.from(vector))
}

/**
 * Concatenates the parts, each scaled to unit length first (so every tap weighs the same
 * whatever its size or magnitude), then scales the whole to unit length.
 */
export function concatNormalized(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    l2NormalizeInPlace(out.subarray(offset, offset + part.length))
    offset += part.length
  }
  return l2NormalizeInPlace(out)
}
