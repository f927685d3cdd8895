/**
 * The largest eigenpairs of a real symmetric matrix, through ml-matrix's EigenvalueDecomposition
 * (JAMA's tred2 + tql2). It computes every eigenpair; only the wanted ones are kept.
 */
import { EigenvalueDecomposition } from 'ml-matrix'

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array
  /** Unit eigenvectors as rows, row-major `count × n`: row i belongs to `values[i]`. */
  readonly vectors: Float64Array
  readonly n: number
}

/**
 * The `count` largest eigenvalues (largest first) and their unit eigenvectors of the symmetric
 * `n × n` matrix `matrix` (row-major; symmetry is assumed, not checked). The input is not modified.
 * Each vector's largest component is positive (the first such on ties), so a fit is reproducible.
 */
export function symmetricEigen(matrix: Float64Array, n: number, count = n): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new RangeError(`symmetricEigen: expected an n×n matrix, got ${matrix.length} values for n = ${n}`)
  }
  if (!Number.isInteger(count) || count < 1 || count > n) throw new RangeError(`symmetricEigen: count must be 1…${n}, got ${count}`)
  // Row views, not copies: the decomposition copies the input into its own workspace.
  const rows = Array.from({ length: n }, (_, i) => matrix.subarray(i * n, (i + 1) * n))
  const evd = new EigenvalueDecomposition(rows, { assumeSymmetric: true })
  const all = evd.realEigenvalues
  const axes = evd.eigenvectorMatrix
  const values = new Float64Array(count)
  const vectors = new Float64Array(count * n)
  for (let i = 0; i < count; i++) {
    // Ascending order from tql2: column n − 1 − i holds the i-th largest.
    const column = n - 1 - i
    values[i] = all[column]!
    const row = vectors.subarray(i * n, (i + 1) * n)
    let largest = 0
    for (let j = 0; j < n; j++) {
      row[j] = axes.get(j, column)
      if (Math.abs(row[j]!) > Math.abs(row[largest]!)) largest = j
    }
    if (row[largest]! < 0) for (let j = 0; j < n; j++) row[j] = -row[j]!
  }
  return { values, vectors, n }
}
