/**
 * Learned whitening (Radenović, Tolias & Chum, "CNN image retrieval learns from BoW", ECCV 2016):
 * after PCA whitening, whiten once more by the covariance of the differences between images of
 * the same label, so the directions in which one product's photos differ count for less than
 * those that tell products apart. It needs labels, which a gallery has when it is built.
 *
 * Written by hand: no maintained JavaScript library fits it, and it is a few lines over the
 * eigendecomposition the PCA whitening already uses. Every axis is kept, so it is one linear map
 * after the PCA one (the PCA-whitened gallery has zero mean), folded into the same segment
 * format (mean, projection) that indexes store.
 */
import { symmetricEigen } from './symmetric-eigen.js'
import { fitWhitening, RANK_TOLERANCE, type Whitening, type WhiteningSegment } from './whitening.js'

/** Added to the within-label covariance, as a share of its mean variance: labels with few images would otherwise give near-zero directions an unbounded weight. */
export const WITHIN_LABEL_REGULARIZATION = 0.01

/** Labels with at least two images: the only ones whose differences say anything. */
function groupsOf(labels: readonly string[]): number[][] {
  const byLabel = new Map<string, number[]>()
  labels.forEach((label, i) => byLabel.set(label, [...(byLabel.get(label) ?? []), i]))
  return [...byLabel.values()].filter((ids) => ids.length >= 2)
}

/**
 * Σ over same-label pairs of (zₐ − z_b)(zₐ − z_b)ᵀ, divided by the pair count: per label,
 * n·Σ zzᵀ − (Σ z)(Σ z)ᵀ gives the sum over its pairs without visiting them.
 */
function withinLabelCovariance(z: readonly Float64Array[], groups: readonly number[][], d: number): Float64Array {
  const cov = new Float64Array(d * d)
  let pairs = 0
  for (const ids of groups) {
    const n = ids.length
    pairs += (n * (n - 1)) / 2
    const sum = new Float64Array(d)
    for (const id of ids) {
      const v = z[id]!
      for (let i = 0; i < d; i++) {
        sum[i]! += v[i]!
        const vi = n * v[i]!
        for (let j = i; j < d; j++) cov[i * d + j]! += vi * v[j]!
      }
    }
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j]! -= sum[i]! * sum[j]!
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] = cov[i * d + j]! / pairs
  }
  return cov
}

function learnSegment(vectors: readonly Float32Array[], offset: number, pca: WhiteningSegment, groups: readonly number[][]): WhiteningSegment {
  const { inputDim, outputDim: d, mean, projection } = pca
  const z = vectors.map((vector) => {
    const out = new Float64Array(d)
    for (let i = 0; i < d; i++) {
      let sum = 0
      for (let j = 0; j < inputDim; j++) sum += projection[i * inputDim + j]! * (vector[offset + j]! - mean[j]!)
      out[i] = sum
    }
    return out
  })
  const cov = withinLabelCovariance(z, groups, d)
  let trace = 0
  for (let i = 0; i < d; i++) trace += cov[i * d + i]!
  for (let i = 0; i < d; i++) cov[i * d + i]! += (WITHIN_LABEL_REGULARIZATION * trace) / d
  const { values, vectors: axes } = symmetricEigen(cov, d)
  if (!(values[d - 1]! > RANK_TOLERANCE * values[0]!)) throw new RangeError('learned whitening: the within-label covariance is singular')
  // y = diag(λ^-1/2) Vᵀ z, and z = P (x − mean): one projection (Vᵀ's row order does not change cosines).
  const combined = new Float32Array(d * inputDim)
  for (let k = 0; k < d; k++) {
    const scale = 1 / Math.sqrt(values[k]!)
    for (let i = 0; i < d; i++) {
      const weight = axes[k * d + i]! * scale
      if (weight === 0) continue
      for (let j = 0; j < inputDim; j++) combined[k * inputDim + j]! += weight * projection[i * inputDim + j]!
    }
  }
  return { inputDim, outputDim: d, mean, projection: combined }
}

/**
 * PCA whitening (at most `maxDims` axes per segment), then learned whitening from the labels.
 * Throws a RangeError when no label has two images (there is nothing to learn from).
 */
export function fitLearnedWhitening(vectors: readonly Float32Array[], labels: readonly string[], maxDims: number, segments?: readonly number[]): Whitening {
  if (labels.length !== vectors.length) throw new RangeError(`fitLearnedWhitening: ${vectors.length} vectors but ${labels.length} labels`)
  const groups = groupsOf(labels)
  if (groups.length === 0) throw new RangeError('fitLearnedWhitening: no label has two images to learn from')
  const pca = fitWhitening(vectors, maxDims, segments)
  let offset = 0
  const learned = pca.segments.map((segment) => {
    const out = learnSegment(vectors, offset, segment, groups)
    offset += segment.inputDim
    return out
  })
  return { ...pca, segments: learned }
}
