/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix (diagonal d, off-diagonal e):
 * all eigenvalues by the implicit QL algorithm without vectors (EISPACK tql1, as in JAMA), and
 * one eigenvector at a time by inverse iteration with an LU factorisation with partial pivoting
 * (LAPACK dgttrf / dgtts2), re-orthogonalised against the vectors of nearby eigenvalues as
 * LAPACK's dstein does, so clusters still give an orthonormal set.
 */

const EPS = 2 ** -52
const ITERATIONS = 3

/** All eigenvalues, largest first. */
export function tridiagonalEigenvalues(diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const n = diagonal.length
  const d = Float64Array.from(diagonal)
  const e = new Float64Array(n)
  e.set(offDiagonal.subarray(0, n - 1))
  let f = 0
  let tst1 = 0
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!))
    let m = l
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++
    if (m > l) {
      let iterations = 0
      do {
        if (++iterations > 60) throw new Error(`tridiagonalEigenvalues: QL did not converge for eigenvalue ${l} of ${n}`)
        let g = d[l]!
        let p = (d[l + 1]! - g) / (2 * e[l]!)
        let r = Math.hypot(p, 1)
        if (p < 0) r = -r
        d[l] = e[l]! / (p + r)
        d[l + 1] = e[l]! * (p + r)
        const dl1 = d[l + 1]!
        let h = g - d[l]!
        for (let i = l + 2; i < n; i++) d[i]! -= h
        f += h
        p = d[m]!
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1]!
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * e[i]!
          h = c * p
          r = Math.hypot(p, e[i]!)
          e[i + 1] = s * r
          s = e[i]! / r
          c = p / r
          p = c * d[i]! - s * g
          d[i + 1] = h + s * (c * g + s * d[i]!)
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1
        e[l] = s * p
        d[l] = c * p
      } while (Math.abs(e[l]!) > EPS * tst1)
    }
    d[l] = d[l]! + f
    e[l] = 0
  }
  return d.sort().reverse()
}

/** LU factors of T − λI with row interchanges (dgttrf): U has diagonal `u0`, super-diagonals `u1`, `u2`. */
interface TridiagonalLu {
  readonly u0: Float64Array
  readonly u1: Float64Array
  readonly u2: Float64Array
  readonly multipliers: Float64Array
  readonly swapped: Uint8Array
}

function factorShifted(d: Float64Array, e: Float64Array, lambda: number, tiny: number): TridiagonalLu {
  const n = d.length
  const u0 = new Float64Array(n)
  const u1 = new Float64Array(n)
  const u2 = new Float64Array(n)
  const lower = new Float64Array(n)
  const swapped = new Uint8Array(n)
  for (let i = 0; i < n; i++) u0[i] = d[i]! - lambda
  for (let i = 0; i < n - 1; i++) {
    u1[i] = e[i]!
    lower[i] = e[i]!
  }
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(u0[i]!) >= Math.abs(lower[i]!)) {
      if (u0[i] !== 0) {
        const fact = lower[i]! / u0[i]!
        lower[i] = fact
        u0[i + 1]! -= fact * u1[i]!
      }
    } else {
      const fact = u0[i]! / lower[i]!
      u0[i] = lower[i]!
      lower[i] = fact
      const temp = u1[i]!
      u1[i] = u0[i + 1]!
      u0[i + 1] = temp - fact * u0[i + 1]!
      if (i < n - 2) {
        u2[i] = u1[i + 1]!
        u1[i + 1] = -fact * u1[i + 1]!
      }
      swapped[i] = 1
    }
  }
  // T − λI is (nearly) singular by design; a tiny pivot makes the solve amplify the eigenvector.
  for (let i = 0; i < n; i++) if (Math.abs(u0[i]!) < tiny) u0[i] = u0[i]! < 0 ? -tiny : tiny
  return { u0, u1, u2, multipliers: lower, swapped }
}

function solveInPlace(lu: TridiagonalLu, x: Float64Array): void {
  const n = x.length
  const { u0, u1, u2, multipliers, swapped } = lu
  for (let i = 0; i < n - 1; i++) {
    if (!swapped[i]) {
      x[i + 1]! -= multipliers[i]! * x[i]!
    } else {
      const temp = x[i]!
      x[i] = x[i + 1]!
      x[i + 1] = temp - multipliers[i]! * x[i]!
    }
  }
  x[n - 1]! /= u0[n - 1]!
  if (n > 1) x[n - 2] = (x[n - 2]! - u1[n - 2]! * x[n - 1]!) / u0[n - 2]!
  for (let i = n - 3; i >= 0; i--) x[i] = (x[i]! - u1[i]! * x[i + 1]! - u2[i]! * x[i + 2]!) / u0[i]!
}

function normalize(x: Float64Array): void {
  let max = 0
  for (const v of x) max = Math.max(max, Math.abs(v))
  if (max === 0) return
  let sum = 0
  for (let i = 0; i < x.length; i++) {
    x[i]! /= max
    sum += x[i]! * x[i]!
  }
  const scale = 1 / Math.sqrt(sum)
  for (let i = 0; i < x.length; i++) x[i]! *= scale
}

/** Deterministic start vector (a fixed linear congruential sequence), so results are reproducible. */
function startVector(n: number, seed: number): Float64Array {
  const x = new Float64Array(n)
  let state = (seed * 2654435761 + 12345) >>> 0
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    x[i] = state / 2 ** 32 - 0.5
  }
  return x
}

/**
 * The unit eigenvector of `values[index]` (`values` largest first, as from
 * tridiagonalEigenvalues). `previous[j]` must hold the vectors of `values[j]` for j < index:
 * those of the same cluster (gaps below 10⁻³·‖T‖₁) are projected out. The sign makes the
 * largest component positive.
 */
export function tridiagonalEigenvector(
  diagonal: Float64Array,
  offDiagonal: Float64Array,
  values: Float64Array,
  index: number,
  previous: readonly Float64Array[],
): Float64Array {
  const n = diagonal.length
  if (n === 1) return Float64Array.of(1)
  let norm = 0
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(diagonal[i]!) + Math.abs(offDiagonal[i - 1] ?? 0) + Math.abs(offDiagonal[i] ?? 0))
  const separation = 1e-3 * norm
  let clusterStart = index
  while (clusterStart > 0 && values[clusterStart - 1]! - values[clusterStart]! <= separation) clusterStart--
  // Equal eigenvalues would give the same LU and the same vector: shift apart by a few ulps (dstein).
  let lambda = values[index]!
  for (let j = clusterStart; j < index; j++) lambda = Math.min(lambda, values[j]! - 10 * (j - clusterStart + 1) * EPS * Math.max(Math.abs(values[j]!), norm))
  const lu = factorShifted(diagonal, offDiagonal, lambda, norm > 0 ? EPS * norm : 1)
  const x = startVector(n, index)
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    solveInPlace(lu, x)
    for (let j = clusterStart; j < index; j++) {
      const q = previous[j]!
      let dot = 0
      for (let i = 0; i < n; i++) dot += q[i]! * x[i]!
      for (let i = 0; i < n; i++) x[i]! -= dot * q[i]!
    }
    normalize(x)
  }
  let largest = 0
  for (let i = 1; i < n; i++) if (Math.abs(x[i]!) > Math.abs(x[largest]!)) largest = i
  if (x[largest]! < 0) for (let i = 0; i < n; i++) x[i] = -x[i]!
  return x
}
