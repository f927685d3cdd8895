/**
 * Leave-one-out retrieval over a labelled gallery: each image is queried against all the others
 * by inner product (the vectors are L2-normalised, so it is the cosine); a query is a hit at k
 * when one of its k nearest others has its label. Classes with a single image have nothing to
 * find: they stay in the gallery as distractors but are not queried.
 */

export interface RecallResult {
  readonly queries: number
  /** Fractions in [0, 1]. */
  readonly recallAt1: number
  readonly recallAt5: number
}

export function leaveOneOutRecall(vectors: readonly Float32Array[], labels: readonly string[]): RecallResult {
  const n = vectors.length
  if (labels.length !== n) throw new RangeError(`${n} vectors but ${labels.length} labels`)
  const counts = new Map<string, number>()
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1)
  const dim = vectors[0]?.length ?? 0
  // One contiguous matrix: the n² dot products dominate, and typed-array rows keep them fast.
  const matrix = new Float32Array(n * dim)
  vectors.forEach((v, i) => matrix.set(v, i * dim))
  let queries = 0
  let hits1 = 0
  let hits5 = 0
  const scores = new Float64Array(n)
  for (let q = 0; q < n; q++) {
    if (counts.get(labels[q]!)! < 2) continue
    queries++
    const a = q * dim
    for (let j = 0; j < n; j++) {
      const b = j * dim
      let sum = 0
      for (let k = 0; k < dim; k++) sum += matrix[a + k]! * matrix[b + k]!
      scores[j] = sum
    }
    scores[q] = -Infinity
    // The five best by selection (ties: lower index first, so results are deterministic).
    const best: number[] = []
    for (let r = 0; r < 5; r++) {
      let arg = -1
      for (let j = 0; j < n; j++) if (!best.includes(j) && (arg < 0 || scores[j]! > scores[arg]!)) arg = j
      best.push(arg)
    }
    if (labels[best[0]!] === labels[q]) hits1++
    if (best.some((j) => labels[j] === labels[q])) hits5++
  }
  return { queries, recallAt1: hits1 / queries, recallAt5: hits5 / queries }
}

/** Share of `queries` whose nearest `gallery` vector (inner product) has the query's label: held-out Recall@1. */
export function heldOutRecallAt1(gallery: readonly Float32Array[], galleryLabels: readonly string[], queries: readonly Float32Array[], queryLabels: readonly string[]): number {
  let hits = 0
  queries.forEach((query, q) => {
    let best = 0
    let bestScore = -Infinity
    gallery.forEach((vector, j) => {
      let sum = 0
      for (let k = 0; k < query.length; k++) sum += query[k]! * vector[k]!
      if (sum > bestScore) [best, bestScore] = [j, sum]
    })
    if (galleryLabels[best] === queryLabels[q]) hits++
  })
  return hits / queries.length
}
