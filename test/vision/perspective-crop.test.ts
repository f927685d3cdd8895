import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidInput } from '../../src/engine/errors.js'
import { cropImage } from '../../src/vision/crop.js'
import { invert3x3, perspectiveTransform } from '../../src/vision/homography.js'
import type { Quad } from '../../src/vision/image.js'
import { perspectiveCrop, textCropSize } from '../../src/vision/perspective-crop.js'
import { rotate180, rotate90CounterClockwise } from '../../src/vision/rotate.js'
import { imageOf, pixels } from './image-fixtures.js'

// A 6x5 RGB image whose every value is distinct enough to catch a misplaced pixel.
const img = imageOf(6, 5, 3, Array.from({ length: 90 }, (_, i) => (i * 37) % 251))

describe('perspectiveTransform', () => {
  it('solves a pure translation and a scale', () => {
    const m = perspectiveTransform(
      [[1, 2], [4, 2], [4, 6], [1, 6]],
      [[0, 0], [6, 0], [6, 8], [0, 8]],
    )
    const expected = [2, 0, -2, 0, 2, -4, 0, 0, 1]
    m.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `m[${i}] = ${v}`))
    const inv = invert3x3(m)
    const back = [0.5, 0, 1, 0, 0.5, 2, 0, 0, 1]
    inv.forEach((v, i) => assert.ok(Math.abs(v - back[i]) < 1e-12, `inv[${i}] = ${v}`))
  })

  it('rejects a degenerate quad', () => {
    const flat: Quad = [[0, 0], [1, 0], [2, 0], [3, 0]]
    assert.throws(() => perspectiveTransform(flat, [[0, 0], [1, 0], [1, 1], [0, 1]]), InvalidInput)
  })
})

describe('perspectiveCrop', () => {
  for (const kernel of ['bilinear', 'bicubic'] as const) {
    it(`equals a plain crop for an axis-aligned quad (${kernel})`, () => {
      const quad: Quad = [[1, 1], [4, 1], [4, 3], [1, 3]]
      const out = perspectiveCrop(img, quad, 3, 2, kernel)
      assert.deepEqual(pixels(out), pixels(cropImage(img, 1, 1, 3, 2)))
    })

    it(`equals the rotated crop for a quad turned by 90 degrees (${kernel})`, () => {
      // (0,0)->(0,4), (3,0)->(0,1), (3,4)->(4,1): destination (x, y) samples source (y, 4 - x),
      // i.e. rows 2..4, columns 0..3 turned a quarter clockwise.
      const quad: Quad = [[0, 4], [0, 1], [4, 1], [4, 4]]
      const out = perspectiveCrop(img, quad, 3, 4, kernel)
      const expected = rotate180(rotate90CounterClockwise(cropImage(img, 0, 2, 4, 3)))
      assert.deepEqual([out.width, out.height], [3, 4])
      assert.deepEqual(pixels(out), pixels(expected))
    })
  }

  it('interpolates half-way between two pixels, rounding to nearest', () => {
    const grey = imageOf(2, 1, 1, [10, 21])
    // Destination pixel 0 maps to source x = 0.5: (10 + 21) / 2 = 15.5 -> 16 in fixed point.
    const out = perspectiveCrop(grey, [[0.5, 0], [1.5, 0], [1.5, 1], [0.5, 1]], 1, 1)
    assert.deepEqual(pixels(out), [16])
  })

  it('replicates the border outside the image', () => {
    const grey = imageOf(2, 1, 1, [10, 200])
    const out = perspectiveCrop(grey, [[-3, -2], [-1, -2], [-1, 0], [-3, 0]], 2, 2)
    assert.deepEqual(pixels(out), [10, 10, 10, 10])
  })
})

describe('textCropSize (get_rotate_crop_image)', () => {
  it('takes the longer of each pair of opposite sides, truncated', () => {
    assert.deepEqual(textCropSize([[0, 0], [3, 0], [3, 4], [0, 4]]), { width: 3, height: 4 })
    assert.deepEqual(textCropSize([[0, 0], [6, 8], [6, 9.9], [0, 1]]), { width: 10, height: 1 })
  })
})
