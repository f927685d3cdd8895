/** Pooling of 4-D feature maps: GeM and average over horizontal bands, on hand-computed maps. */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { bandRows, GEM_EPSILON, poolMap } from '../../../src/tasks/features/feature-pool.js'
import { concatNormalized, l2Normalize } from '../../../src/tasks/features/l2-normalize.js'

const close = (actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-5) => {
  assert.equal(actual.length, expected.length)
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`)
}

describe('bandRows', () => {
  test('splits 8 rows into 4 strips of 2', () => {
    assert.deepEqual(bandRows(8, 4), [[0, 2], [2, 4], [4, 6], [6, 8]])
  })
  test('uneven heights: strip b starts at floor(b·H/bands)', () => {
    assert.deepEqual(bandRows(7, 4), [[0, 1], [1, 3], [3, 5], [5, 7]])
  })
  test('a map shorter than the band count gives every strip at least one row', () => {
    assert.deepEqual(bandRows(2, 4), [[0, 1], [0, 1], [1, 2], [1, 2]])
    assert.deepEqual(bandRows(1, 3), [[0, 1], [0, 1], [0, 1]])
  })
  test('rejects zero bands or rows', () => {
    assert.throws(() => bandRows(0, 4), RangeError)
    assert.throws(() => bandRows(4, 0), RangeError)
  })
})

describe('poolMap', () => {
  test('GeM of a constant map is the constant, for any p', () => {
    const map = new Float32Array(2 * 3 * 3).fill(0.7)
    close(poolMap(map, 2, 3, 3, { type: 'gem', p: 3, bands: 1 }), [0.7, 0.7])
    close(poolMap(map, 2, 3, 3, { type: 'gem', p: 5, bands: 1 }), [0.7, 0.7])
  })

  test('GeM p=3 of [1, 2] is ((1 + 8) / 2)^(1/3); avg is 1.5', () => {
    const map = Float32Array.of(1, 2)
    close(poolMap(map, 1, 1, 2, { type: 'gem', p: 3, bands: 1 }), [Math.cbrt(4.5)])
    close(poolMap(map, 1, 1, 2, { type: 'avg', p: 3, bands: 1 }), [1.5])
  })

  test('GeM clamps negative activations to a tiny floor; avg keeps them', () => {
    const map = Float32Array.of(-1, -2, -3, -4)
    close(poolMap(map, 1, 2, 2, { type: 'gem', p: 3, bands: 1 }), [GEM_EPSILON], 1e-9)
    close(poolMap(map, 1, 2, 2, { type: 'avg', p: 1, bands: 1 }), [-2.5])
  })

  test('bands pool horizontal strips separately, band-major: out[b·C + c]', () => {
    // C = 2, H = 4, W = 2; channel 0 rows are 1,2,3,4 and channel 1 rows 10,20,30,40.
    const map = Float32Array.of(1, 1, 2, 2, 3, 3, 4, 4, 10, 10, 20, 20, 30, 30, 40, 40)
    close(poolMap(map, 2, 4, 2, { type: 'avg', p: 1, bands: 2 }), [1.5, 15, 3.5, 35])
    close(poolMap(map, 2, 4, 2, { type: 'avg', p: 1, bands: 4 }), [1, 10, 2, 20, 3, 30, 4, 40])
  })

  test('rejects a map whose size does not match C×H×W', () => {
    assert.throws(() => poolMap(new Float32Array(5), 1, 2, 2, { type: 'avg', p: 1, bands: 1 }), /do not make a 1×2×2 map/)
  })
})

describe('L2 normalisation', () => {
  test('[3, 4] becomes [0.6, 0.8]; zero stays zero', () => {
    close(l2Normalize(Float32Array.of(3, 4)), [0.6, 0.8])
    close(l2Normalize(new Float32Array(3)), [0, 0, 0])
  })

  test('concatNormalized weighs every part the same, whatever its scale', () => {
    // [3, 4] → [0.6, 0.8]; [10] → [1]; the whole (norm √2) → each / √2.
    const s = Math.SQRT1_2
    close(concatNormalized([Float32Array.of(3, 4), Float32Array.of(10)]), [0.6 * s, 0.8 * s, s])
  })

  test('concatNormalized does not modify its inputs', () => {
    const part = Float32Array.of(3, 4)
    concatNormalized([part])
    assert.deepEqual([...part], [3, 4])
  })
})
