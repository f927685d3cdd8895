import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { swapChannelOrder } from '../../src/vision/channel-order.js'
import { normalizeToChw } from '../../src/vision/normalize.js'
import { imageOf, pixels } from './image-fixtures.js'

const f = Math.fround

describe('normalizeToChw', () => {
  const img = imageOf(2, 1, 3, [10, 20, 30, 40, 50, 60])
  const norm = { scale: 1, mean: [1, 2, 3], std: [2, 4, 5] } as const

  it('writes (pixel * scale - mean) / std as planar CHW', () => {
    const out = normalizeToChw(img, norm)
    assert.deepEqual(Array.from(out), [4.5, 19.5, 4.5, 12, f(5.4), f(11.4)])
  })

  it('computes in float32 like numpy with float32 scale, mean and std', () => {
    const paddle = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const
    const out = normalizeToChw(imageOf(1, 1, 3, [200, 7, 255]), paddle)
    const expect = [200, 7, 255].map((v, c) => f(f(f(v * f(1 / 255)) - f(paddle.mean[c])) / f(paddle.std[c])))
    assert.deepEqual(Array.from(out), expect)
  })

  it('writes into the top-left of a larger plane and leaves the rest alone', () => {
    // A 2x1 image into a 3x2 plane set starting at element 2 (as a batch slot would).
    const data = new Float32Array(2 + 3 * 3 * 2).fill(-7)
    normalizeToChw(img, norm, { data, offset: 2, planeWidth: 3, planeHeight: 2 })
    const k = -7
    assert.deepEqual(Array.from(data), [k, k, 4.5, 19.5, k, k, k, k, 4.5, 12, k, k, k, k, f(5.4), f(11.4), k, k, k, k])
  })

  it('refuses an image larger than the plane or a target too short', () => {
    const data = new Float32Array(6)
    assert.throws(() => normalizeToChw(img, norm, { data, offset: 0, planeWidth: 1, planeHeight: 1 }), RangeError)
    assert.throws(() => normalizeToChw(img, norm, { data, offset: 1, planeWidth: 2, planeHeight: 1 }), RangeError)
  })
})

describe('normalizeToChw into another channel order', () => {
  it('equals swapping the channels first, then normalising', () => {
    const img = imageOf(3, 2, 3, [0, 10, 250, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 255, 1, 2], 'rgb')
    const norm = { scale: 1 / 255, mean: [0.485, 0.456, 0.406] as const, std: [0.229, 0.224, 0.225] as const }
    assert.deepEqual([...normalizeToChw(img, norm, undefined, 'bgr')], [...normalizeToChw(swapChannelOrder(img, 'bgr'), norm)])
    assert.deepEqual([...normalizeToChw(img, norm, undefined, 'rgb')], [...normalizeToChw(img, norm)])
  })
})

describe('swapChannelOrder', () => {
  it('reverses the three channels and records the new order', () => {
    const img = imageOf(2, 1, 3, [1, 2, 3, 4, 5, 6], 'rgb')
    const bgr = swapChannelOrder(img, 'bgr')
    assert.deepEqual(pixels(bgr), [3, 2, 1, 6, 5, 4])
    assert.equal(bgr.order, 'bgr')
    assert.deepEqual(pixels(img), [1, 2, 3, 4, 5, 6])
  })

  it('returns the same image when it is already in that order', () => {
    const img = imageOf(1, 1, 3, [1, 2, 3], 'bgr')
    assert.equal(swapChannelOrder(img, 'bgr'), img)
  })
})
