/**
 * PCA whitening and the symmetric eigensolver under it: hand-computable cases (a 2-D point set
 * with a known covariance), a sampled 2-D Gaussian whose whitened covariance must be the
 * identity, segments, rank-deficient data, and the byte format an index stores.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { symmetricEigen } from '../../../src/tasks/features/symmetric-eigen.js'
import { decodeWhitening, encodeWhitening } from '../../../src/tasks/features/whitening-codec.js'
import { applyWhitening, fitWhitening, type WhiteningSegment } from '../../../src/tasks/features/whitening.js'

/** y = P(x − μ) of one segment, before the L2 that applyWhitening ends with. */
function project(segment: WhiteningSegment, x: ArrayLike<number>): number[] {
  return Array.from({ length: segment.outputDim }, (_, i) => {
    let sum = 0
    for (let j = 0; j < segment.inputDim; j++) sum += segment.projection[i * segment.inputDim + j]! * (x[j]! - segment.mean[j]!)
    return sum
  })
}

function covariance(rows: readonly number[][]): number[][] {
  const d = rows[0]!.length
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length)
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / rows.length))
}

function assertIdentity(matrix: number[][], tolerance: number): void {
  matrix.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? 1 : 0)) <= tolerance, `[${i}][${j}] = ${v}`)))
}

/** Deterministic standard normal samples (Box–Muller over a fixed LCG). */
function gaussian(seed: number): () => number {
  let state = seed >>> 0
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return (state + 0.5) / 2 ** 32
  }
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

const f32 = (values: readonly number[]) => Float32Array.from(values)

describe('symmetricEigen', () => {
  test('[[2, 1], [1, 2]]: eigenvalues 3 and 1 with axes (1, 1)/√2 and (1, −1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2)
    assert.ok(Math.abs(values[0]! - 3) < 1e-12 && Math.abs(values[1]! - 1) < 1e-12, `${values}`)
    const s = Math.SQRT1_2
    for (const [actual, expected] of [[vectors[0]!, s], [vectors[1]!, s], [vectors[2]!, s], [vectors[3]!, -s]] as const) {
      assert.ok(Math.abs(actual - expected) < 1e-12, `${[...vectors]}`)
    }
  })

  test('repeated eigenvalues still give an orthonormal set', () => {
    const n = 6
    const matrix = new Float64Array(n * n)
    for (let i = 0; i < n; i++) matrix[i * n + i] = i % 2 // eigenvalue 1 three times, 0 three times
    const { values, vectors } = symmetricEigen(matrix, n)
    assert.deepEqual([...values], [1, 1, 1, 0, 0, 0])
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0
        for (let k = 0; k < n; k++) dot += vectors[a * n + k]! * vectors[b * n + k]!
        assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `v${a}·v${b} = ${dot}`)
      }
    }
  })

  test('a random 80×80 covariance: A·v = λ·v for the 10 largest, in decreasing order', () => {
    const n = 80
    const next = gaussian(3)
    const data = Array.from({ length: 120 }, () => Array.from({ length: n }, next))
    const matrix = Float64Array.from(covariance(data).flat())
    const { values, vectors } = symmetricEigen(matrix, n, 10)
    assert.equal(vectors.length, 10 * n)
    for (let i = 0; i < 10; i++) {
      if (i > 0) assert.ok(values[i - 1]! >= values[i]!)
      for (let r = 0; r < n; r++) {
        let av = 0
        for (let k = 0; k < n; k++) av += matrix[r * n + k]! * vectors[i * n + k]!
        assert.ok(Math.abs(av - values[i]! * vectors[i * n + r]!) < 1e-10)
      }
    }
  })

  test('rejects a matrix that is not n×n or a count out of range', () => {
    assert.throws(() => symmetricEigen(new Float64Array(5), 2), RangeError)
    assert.throws(() => symmetricEigen(new Float64Array(4), 2, 3), RangeError)
  })
})

describe('fitWhitening / applyWhitening', () => {
  test('hand-computed: (±2, 0), (0, ±1) has covariance diag(2, 0.5); whitening scales by 1/√2 and √2', () => {
    const points = [f32([2, 0]), f32([-2, 0]), f32([0, 1]), f32([0, -1])].map((p) => p.map((v) => v + 5)) // a mean to remove
    const w = fitWhitening(points, 8)
    const [segment] = w.segments
    assert.equal(w.outputDim, 2)
    assert.deepEqual([...segment!.mean], [5, 5])
    const ys = points.map((p) => project(segment!, p))
    // (2, 0) → (√2, 0) and (0, 1) → (0, √2), up to the sign of each axis.
    assert.ok(Math.abs(Math.abs(ys[0]![0]!) - Math.SQRT2) < 1e-6 && Math.abs(ys[0]![1]!) < 1e-6, `${ys[0]}`)
    assert.ok(Math.abs(Math.abs(ys[2]![1]!) - Math.SQRT2) < 1e-6 && Math.abs(ys[2]![0]!) < 1e-6, `${ys[2]}`)
    assertIdentity(covariance(ys), 1e-6)
  })

  test('a sampled 2-D Gaussian (σ 3 and 0.5, rotated 30°) whitens to identity covariance', () => {
    const next = gaussian(11)
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)]
    const points = Array.from({ length: 2000 }, () => {
      const [a, b] = [3 * next(), 0.5 * next()]
      return f32([c * a - s * b + 1, s * a + c * b - 2])
    })
    const w = fitWhitening(points, 2)
    const segment = w.segments[0]!
    assertIdentity(covariance(points.map((p) => project(segment, p))), 1e-4)
    // The first axis is the long one (30°), scaled by about 1/3.
    const [p0, p1] = [segment.projection[0]!, segment.projection[1]!]
    assert.ok(Math.abs(Math.abs(p0 * c + p1 * s) - 1 / 3) < 0.02, `${p0}, ${p1}`)
  })

  test('maxDims keeps the axes of largest variance; every output is unit length', () => {
    const next = gaussian(5)
    const points = Array.from({ length: 300 }, () => f32([10 * next(), next(), 0.1 * next()]))
    const w = fitWhitening(points, 1)
    assert.equal(w.outputDim, 1)
    const axis = w.segments[0]!.projection
    assert.ok(Math.abs(axis[0]!) > 20 * Math.max(Math.abs(axis[1]!), Math.abs(axis[2]!)), `${[...axis]}`)
    const y = applyWhitening(fitWhitening(points, 3), points[0]!)
    assert.ok(Math.abs(Math.hypot(...y) - 1) < 1e-6)
  })

  test('segments are whitened separately and weigh the same in the output', () => {
    const next = gaussian(9)
    const points = Array.from({ length: 200 }, () => f32([next(), 2 * next(), 100 * next(), 50 * next(), next()]))
    const w = fitWhitening(points, 4, [2, 3])
    assert.deepEqual(w.segments.map((s) => [s.inputDim, s.outputDim]), [[2, 2], [3, 3]])
    const y = applyWhitening(w, points[7]!)
    assert.equal(y.length, 5)
    // Each part is normalised before the concatenation: both have norm 1/√2.
    assert.ok(Math.abs(Math.hypot(...y.subarray(0, 2)) - Math.SQRT1_2) < 1e-6)
    assert.ok(Math.abs(Math.hypot(...y.subarray(2)) - Math.SQRT1_2) < 1e-6)
  })

  test('rank-deficient data: points on a line keep one axis, not a blown-up noise axis', () => {
    const points = Array.from({ length: 50 }, (_, i) => f32([i, 2 * i, -i]))
    const w = fitWhitening(points, 3)
    assert.equal(w.outputDim, 1)
  })

  test('fewer vectors than dimensions: at most N − 1 axes', () => {
    const next = gaussian(2)
    const points = Array.from({ length: 4 }, () => f32(Array.from({ length: 10 }, next)))
    assert.equal(fitWhitening(points, 256).outputDim, 3)
  })

  test('refuses bad input with the reason', () => {
    assert.throws(() => fitWhitening([f32([1, 2])], 2), /at least 2 vectors/)
    assert.throws(() => fitWhitening([f32([1, 2]), f32([1])], 2), /vector 1 has 1 values/)
    assert.throws(() => fitWhitening([f32([1, 2]), f32([3, 4])], 2, [1, 2]), /do not add up/)
    assert.throws(() => fitWhitening([f32([1, 2]), f32([1, 2])], 2), /do not vary/)
    assert.throws(() => applyWhitening(fitWhitening([f32([1, 2]), f32([3, 5])], 2), f32([1])), /expects 2/)
  })
})

describe('whitening bytes', () => {
  test('encode → decode gives back the same segments and the same whitened vectors', () => {
    const next = gaussian(4)
    const points = Array.from({ length: 40 }, () => f32(Array.from({ length: 6 }, next)))
    const w = fitWhitening(points, 3, [4, 2])
    const back = decodeWhitening(encodeWhitening(w))
    assert.equal(back.inputDim, 6)
    assert.equal(back.outputDim, w.outputDim)
    back.segments.forEach((s, i) => {
      assert.deepEqual([...s.mean], [...w.segments[i]!.mean])
      assert.deepEqual([...s.projection], [...w.segments[i]!.projection])
    })
    assert.deepEqual([...applyWhitening(back, points[3]!)], [...applyWhitening(w, points[3]!)])
  })

  test('rejects other files, truncation and trailing bytes', () => {
    const bytes = encodeWhitening(fitWhitening([f32([1, 2]), f32([3, 5]), f32([0, 1])], 2))
    assert.throws(() => decodeWhitening(new Uint8Array(16)), /bad magic/)
    assert.throws(() => decodeWhitening(bytes.subarray(0, bytes.length - 4)), /truncated/)
    const longer = new Uint8Array(bytes.length + 4)
    longer.set(bytes)
    assert.throws(() => decodeWhitening(longer), /trailing bytes/)
  })
})
