import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidInput } from '../../src/engine/errors.js'
import { cropImage } from '../../src/vision/crop.js'
import { rotate180, rotate90CounterClockwise } from '../../src/vision/rotate.js'
import { imageOf, pixels } from './image-fixtures.js'

describe('cropImage', () => {
  const img = imageOf(3, 2, 1, [1, 2, 3, 4, 5, 6])

  it('copies the rectangle', () => {
    const out = cropImage(img, 1, 0, 2, 2)
    assert.deepEqual([out.width, out.height, ...pixels(out)], [2, 2, 2, 3, 5, 6])
  })

  it('clamps the rectangle to the image', () => {
    const out = cropImage(img, -1, 1, 10, 10)
    assert.deepEqual([out.width, out.height, ...pixels(out)], [3, 1, 4, 5, 6])
  })

  it('throws InvalidInput when nothing is left', () => {
    assert.throws(() => cropImage(img, 3, 0, 2, 2), InvalidInput)
    assert.throws(() => cropImage(img, 0, 0, 0, 2), InvalidInput)
  })
})

describe('rotate', () => {
  // [[1, 2, 3],
  //  [4, 5, 6]]
  const img = imageOf(3, 2, 1, [1, 2, 3, 4, 5, 6])

  it('rotate90CounterClockwise equals np.rot90', () => {
    const out = rotate90CounterClockwise(img)
    // np.rot90([[1,2,3],[4,5,6]]) == [[3,6],[2,5],[1,4]]
    assert.deepEqual([out.width, out.height, ...pixels(out)], [2, 3, 3, 6, 2, 5, 1, 4])
  })

  it('rotate180 reverses rows and columns', () => {
    assert.deepEqual(pixels(rotate180(img)), [6, 5, 4, 3, 2, 1])
  })

  it('moves whole pixels when there are three channels', () => {
    const rgb = imageOf(2, 1, 3, [1, 2, 3, 4, 5, 6], 'bgr')
    const out = rotate90CounterClockwise(rgb)
    assert.deepEqual([out.width, out.height, out.order, ...pixels(out)], [1, 2, 'bgr', 4, 5, 6, 1, 2, 3])
  })
})
