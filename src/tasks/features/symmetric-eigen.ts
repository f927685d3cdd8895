/**
 * The largest eigenpairs of a real symmetric matrix, as LAPACK's dsyevx does it: Householder
 * reduction to tridiagonal form, every eigenvalue of the tridiagonal by implicit QL (tql1,
 * O(n²)), eigenvectors of the wanted ones by inverse iteration (tridiagonal-eigen.ts), then the
 * reflectors applied back to them. Only the reduction is O(n³), so n ≈ 1,300 takes seconds in
 * plain JavaScript where accumulating every eigenvector (tred2 + tql2) takes several times longer.
 */
import { tridiagonalEigenvalues, tridiagonalEigenvector } from './tridiagonal-eigen.js'

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array
  /** Unit eigenvectors as rows, row-major `count × n`: row i belongs to `values[i]`. */
  readonly vectors: Float64Array
  readonly n: number
}

interface Tridiagonal {
  readonly diagonal: Float64Array
  /** `offDiagonal[i]` couples rows i and i + 1 (length n − 1). */
  readonly offDiagonal: Float64Array
  /** Householder vectors: step k's unit vector acts on coordinates k + 1 … n − 1 (null: no reflection). */
  readonly reflectors: Array<Float64Array | null>
}

/**
 * Q·A·Qᵀ = T with Q = H_{n−3} ⋯ H_0, each `H = I − 2vvᵀ`. Works on the upper triangle of a
 * row-major copy, so the matrix-vector product and the rank-2 update touch each stored value
 * once per step and walk rows contiguously.
 */
function tridiagonalize(matrix: Float64Array, n: number): Tridiagonal {
  const a = Float64Array.from(matrix)
  const diagonal = new Float64Array(n)
  const offDiagonal = new Float64Array(Math.max(0, n - 1))
  const reflectors: Array<Float64Array | null> = []
  const p = new Float64Array(n)
  for (let k = 0; k < n - 2; k++) {
    const start = k + 1
    const m = n - start
    const row = k * n
    diagonal[k] = a[row + k]!
    let norm = 0
    for (let i = start; i < n; i++) norm += a[row + i]! * a[row + i]!
    norm = Math.sqrt(norm)
    const x0 = a[row + start]!
    const alpha = x0 > 0 ? -norm : norm
    let vnorm2 = norm * norm - x0 * x0 + (x0 - alpha) * (x0 - alpha)
    if (norm === 0 || vnorm2 === 0) {
      reflectors.push(null)
      offDiagonal[k] = x0
      continue
    }
    const v = new Float64Array(m)
    v[0] = x0 - alpha
    for (let i = 1; i < m; i++) v[i] = a[row + start + i]!
    vnorm2 = 1 / Math.sqrt(vnorm2)
    for (let i = 0; i < m; i++) v[i]! *= vnorm2
    reflectors.push(v)
    offDiagonal[k] = alpha
    // p = 2·A'v from the upper triangle: each stored a[r][c] (c > r) serves row r and row c.
    p.fill(0, 0, m)
    for (let r = 0; r < m; r++) {
      const base = (start + r) * n + start
      const vr = v[r]!
      let sum = a[base + r]! * vr
      for (let c = r + 1; c < m; c++) {
        const arc = a[base + c]!
        sum += arc * v[c]!
        p[c]! += arc * vr
      }
      p[r]! += sum
    }
    // K = vᵀp, w = p − K·v; A' ← A' − v·wᵀ − w·vᵀ (upper triangle).
    let kappa = 0
    for (let r = 0; r < m; r++) {
      p[r]! *= 2
      kappa += v[r]! * p[r]!
    }
    for (let r = 0; r < m; r++) p[r]! -= kappa * v[r]!
    for (let r = 0; r < m; r++) {
      const base = (start + r) * n + start
      const vr = v[r]!
      const wr = p[r]!
      for (let c = r; c < m; c++) a[base + c]! -= vr * p[c]! + wr * v[c]!
    }
  }
  for (let i = Math.max(0, n - 2); i < n; i++) diagonal[i] = a[i * n + i]!
  if (n >= 2) offDiagonal[n - 2] = a[(n - 2) * n + n - 1]!
  return { diagonal, offDiagonal, reflectors }
}

/** z ← Qᵀ·z: an eigenvector of T becomes one of A (reflectors applied last to first). */
function backTransform(z: Float64Array, reflectors: ReadonlyArray<Float64Array | null>): void {
  for (let k = reflectors.length - 1; k >= 0; k--) {
    const v = reflectors[k]
    if (!v) continue
    const start = k + 1
    let dot = 0
    for (let i = 0; i < v.length; i++) dot += v[i]! * z[start + i]!
    dot *= 2
    for (let i = 0; i < v.length; i++) z[start + i]! -= dot * v[i]!
  }
}

/**
 * The `count` largest eigenvalues (largest first) and their unit eigenvectors of the symmetric
 * `n × n` matrix `matrix` (row-major; symmetry is assumed, not checked). The input is not modified.
 */
export function symmetricEigen(matrix: Float64Array, n: number, count = n): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new RangeError(`symmetricEigen: expected an n×n matrix, got ${matrix.length} values for n = ${n}`)
  }
  if (!Number.isInteger(count) || count < 1 || count > n) throw new RangeError(`symmetricEigen: count must be 1…${n}, got ${count}`)
  const { diagonal, offDiagonal, reflectors } = tridiagonalize(matrix, n)
  const all = tridiagonalEigenvalues(diagonal, offDiagonal)
  const values = Float64Array.from(all.subarray(0, count))
  const vectors = new Float64Array(count * n)
  const previous: Float64Array[] = []
  for (let i = 0; i < count; i++) {
    const z = tridiagonalEigenvector(diagonal, offDiagonal, values, i, previous)
    previous.push(Float64Array.from(z))
    backTransform(z, reflectors)
    vectors.set(z, i * n)
  }
  return { values, vectors, n }
}
