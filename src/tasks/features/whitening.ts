/**
 * PCA whitening of feature vectors, fitted on a gallery: centre on the gallery mean, rotate onto
 * the principal axes, divide each by its standard deviation, keep at most `maxDims` axes, then
 * L2-normalise. Fitted per segment (one per feature tap), each whitened part is L2-normalised
 * before the parts are concatenated and normalised again, as the feature head does with taps.
 * It needs no labels, so an index can fit it on its own gallery when it is built and apply it
 * to every query; the whitened vectors are what the index stores.
 */
import { concatNormalized } from './l2-normalize.js'
import { symmetricEigen } from './symmetric-eigen.js'

export interface WhiteningSegment {
  readonly inputDim: number
  readonly outputDim: number
  /** The gallery mean, `inputDim` values. */
  readonly mean: Float32Array
  /** `outputDim × inputDim`, row-major: row i is the i-th principal axis divided by √λᵢ. */
  readonly projection: Float32Array
}

export interface Whitening {
  readonly inputDim: number
  readonly outputDim: number
  readonly segments: readonly WhiteningSegment[]
}

/**
 * Axes whose variance is below this fraction of the largest carry no signal (the centred gallery
 * has rank ≤ N − 1, and numerical noise there would be amplified without bound): they are dropped.
 */
export const RANK_TOLERANCE = 1e-9

/**
 * Sample covariance `XᵀX / N` of the centred rows, on the transposed data (contiguous dot
 * products), two rows by two columns at a time so each loaded value serves two products.
 */
function covariance(vectors: readonly Float32Array[], offset: number, dim: number, mean: Float64Array): Float64Array {
  const count = vectors.length
  const columns = new Float64Array(dim * count)
  vectors.forEach((vector, row) => {
    for (let j = 0; j < dim; j++) columns[j * count + row] = vector[offset + j]! - mean[j]!
  })
  const cov = new Float64Array(dim * dim)
  const set = (i: number, j: number, sum: number) => {
    cov[i * dim + j] = cov[j * dim + i] = sum / count
  }
  for (let i = 0; i < dim; i += 2) {
    const a = i * count
    const pair = i + 1 < dim
    const b = a + count
    for (let j = i; j < dim; j += 2) {
      const c = j * count
      const d = c + count
      if (pair && j + 1 < dim) {
        let ac = 0
        let ad = 0
        let bc = 0
        let bd = 0
        for (let k = 0; k < count; k++) {
          const x = columns[a + k]!
          const y = columns[b + k]!
          const z = columns[c + k]!
          const w = columns[d + k]!
          ac += x * z
          ad += x * w
          bc += y * z
          bd += y * w
        }
        set(i, j, ac)
        set(i, j + 1, ad)
        set(i + 1, j, bc)
        set(i + 1, j + 1, bd)
      } else {
        // The odd row or column at the edge.
        for (const [r, s] of [[i, j], [i, j + 1], [i + 1, j], [i + 1, j + 1]] as const) {
          if (r >= dim || s >= dim || s < r) continue
          let sum = 0
          for (let k = 0; k < count; k++) sum += columns[r * count + k]! * columns[s * count + k]!
          set(r, s, sum)
        }
      }
    }
  }
  return cov
}

function fitSegment(vectors: readonly Float32Array[], offset: number, dim: number, maxDims: number): WhiteningSegment {
  const mean64 = new Float64Array(dim)
  for (const vector of vectors) for (let j = 0; j < dim; j++) mean64[j]! += vector[offset + j]!
  for (let j = 0; j < dim; j++) mean64[j]! /= vectors.length
  const wanted = Math.min(maxDims, dim, Math.max(1, vectors.length - 1))
  const { values, vectors: axes } = symmetricEigen(covariance(vectors, offset, dim, mean64), dim, wanted)
  let outputDim = 0
  while (outputDim < wanted && values[outputDim]! > RANK_TOLERANCE * values[0]!) outputDim++
  if (outputDim === 0) throw new RangeError(`fitWhitening: the vectors of segment at ${offset} (${dim} dims) do not vary`)
  const projection = new Float32Array(outputDim * dim)
  for (let i = 0; i < outputDim; i++) {
    const scale = 1 / Math.sqrt(values[i]!)
    for (let j = 0; j < dim; j++) projection[i * dim + j] = axes[i * dim + j]! * scale
  }
  return { inputDim: dim, outputDim, mean: Float32Array.from(mean64), projection }
}

/**
 * Fits whitening on `vectors` (all of length `sum(segments)`), each segment separately, keeping
 * at most `maxDims` axes per segment (fewer when the data has lower rank).
 */
export function fitWhitening(vectors: readonly Float32Array[], maxDims: number, segments?: readonly number[]): Whitening {
  if (vectors.length < 2) throw new RangeError(`fitWhitening needs at least 2 vectors, got ${vectors.length}`)
  if (!Number.isInteger(maxDims) || maxDims < 1) throw new RangeError(`fitWhitening: maxDims must be a positive integer, got ${maxDims}`)
  const inputDim = vectors[0]!.length
  const parts = segments ?? [inputDim]
  if (parts.some((d) => !Number.isInteger(d) || d < 1) || parts.reduce((a, b) => a + b, 0) !== inputDim) {
    throw new RangeError(`fitWhitening: segments [${parts.join(', ')}] do not add up to the vector length ${inputDim}`)
  }
  const bad = vectors.findIndex((v) => v.length !== inputDim)
  if (bad >= 0) throw new RangeError(`fitWhitening: vector ${bad} has ${vectors[bad]!.length} values, expected ${inputDim}`)
  let offset = 0
  const fitted = parts.map((dim) => {
    const segment = fitSegment(vectors, offset, dim, maxDims)
    offset += dim
    return segment
  })
  return { inputDim, outputDim: fitted.reduce((n, s) => n + s.outputDim, 0), segments: fitted }
}

/** Whitens one vector: per segment centre and project, L2 per segment, concatenate, final L2. */
export function applyWhitening(whitening: Whitening, vector: Float32Array): Float32Array {
  if (vector.length !== whitening.inputDim) {
    throw new RangeError(`applyWhitening: vector has ${vector.length} values, the whitening expects ${whitening.inputDim}`)
  }
  let offset = 0
  const parts = whitening.segments.map(({ inputDim, outputDim, mean, projection }) => {
    const centred = new Float64Array(inputDim)
    for (let j = 0; j < inputDim; j++) centred[j] = vector[offset + j]! - mean[j]!
    offset += inputDim
    const out = new Float32Array(outputDim)
    for (let i = 0; i < outputDim; i++) {
      const row = i * inputDim
      let sum = 0
      for (let j = 0; j < inputDim; j++) sum += projection[row + j]! * centred[j]!
      out[i] = sum
    }
    return out
  })
  return concatNormalized(parts)
}
