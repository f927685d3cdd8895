import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { convexHull, convexHullIndices } from '../../src/vision/convex-hull.js'
import type { Point } from '../../src/vision/image.js'
import { minAreaRect } from '../../src/vision/min-area-rect.js'
import { miniBox } from '../../src/vision/mini-box.js'

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`)
}

describe('convexHull', () => {
  it('drops interior and collinear points', () => {
    const pts: Point[] = [[0, 0], [2, 0], [4, 0], [4, 3], [2, 1], [0, 3], [0, 1]]
    assert.deepEqual(
      convexHull(pts).map((p) => p.join(',')).sort(),
      ['0,0', '0,3', '4,0', '4,3'],
    )
  })

  it('orders like cv2.convexHull and rotates to the lowest index when indices run monotonically', () => {
    // A contour as cv2.findContours gives it (counter-clockwise on screen from the top-left).
    const contour: Point[] = [[1, 1], [1, 2], [3, 2], [3, 1]]
    assert.deepEqual(convexHullIndices(contour, true), [0, 1, 2, 3])
    assert.deepEqual(convexHullIndices(contour, false), [3, 2, 1, 0])
  })

  it('keeps the two ends of a straight line and one point of a repeated one', () => {
    assert.deepEqual(convexHull([[0, 0], [1, 1], [2, 2]]), [[0, 0], [2, 2]])
    assert.deepEqual(convexHullIndices([[5, 5], [5, 5]]), [0])
  })
})

describe('minAreaRect', () => {
  it('finds a rotated rectangle from its sampled outline', () => {
    // A 20 x 10 rectangle centred on (50, 40), rotated by 30 degrees, sampled along its edges.
    const c = Math.cos(Math.PI / 6)
    const s = Math.sin(Math.PI / 6)
    const pts: Point[] = []
    for (let i = 0; i <= 20; i++) {
      for (const v of [-5, 5]) {
        const u = i - 10
        pts.push([50 + u * c - v * s, 40 + u * s + v * c])
      }
    }
    const r = minAreaRect(pts)
    near(r.width * r.height, 200, 1e-3, 'area')
    near(Math.max(r.width, r.height), 20, 1e-4, 'long side')
    near(r.center[0], 50, 1e-4, 'centre x')
    near(r.center[1], 40, 1e-4, 'centre y')
    // OpenCV 4.5.4+ reports the angle in (0, 90]; the sides lie at 30 and 120 degrees.
    near(((r.angle % 90) + 90) % 90, 30, 1e-3, 'angle mod 90')
  })

  it('gives cv2 results for an axis-aligned square', () => {
    // cv2.minAreaRect([[1,1],[1,10],[10,10],[10,1]]) == ((5.5, 5.5), (9.0, 9.0), 90.0) since 4.5.1
    const r = minAreaRect([[1, 1], [1, 10], [10, 10], [10, 1]])
    assert.deepEqual([r.center, r.width, r.height, r.angle], [[5.5, 5.5], 9, 9, 90])
    assert.deepEqual(r.corners, [[1, 1], [10, 1], [10, 10], [1, 10]])
  })

  it('reports corners as float32 values, as cv2.boxPoints does', () => {
    const r = minAreaRect([[0, 2], [4, 0], [5, 2], [1, 4]])
    for (const [x, y] of r.corners) {
      assert.equal(Math.fround(x), x)
      assert.equal(Math.fround(y), y)
    }
    near(r.width * r.height, 10, 1e-5, 'area')
  })

  it('degenerates to a zero-height rectangle for two points or a line', () => {
    const r = minAreaRect([[0, 0], [3, 4], [6, 8]])
    assert.deepEqual([r.width, r.height], [10, 0])
    near(r.center[0], 3, 1e-6, 'centre x')
    near(r.center[1], 4, 1e-6, 'centre y')
    const one = minAreaRect([[7, 9]])
    assert.deepEqual([one.center, one.width, one.height], [[7, 9], 0, 0])
    assert.deepEqual(one.corners, [[7, 9], [7, 9], [7, 9], [7, 9]])
  })

  it('refuses an empty point list', () => {
    assert.throws(() => minAreaRect([]), RangeError)
  })
})

describe('miniBox', () => {
  it('orders an axis-aligned box top-left, top-right, bottom-right, bottom-left', () => {
    const { box, shortSide } = miniBox([[1, 1], [1, 2], [3, 2], [3, 1]])
    assert.deepEqual(box, [[1, 1], [3, 1], [3, 2], [1, 2]])
    assert.equal(shortSide, 1)
  })

  it('applies PaddleOCR ordering to a tilted box', () => {
    // Rectangle (0,2) (4,0) (5,2) (1,4): by x the left pair is (0,2), (1,4) -> top-left (0,2),
    // bottom-left (1,4); the right pair (4,0), (5,2) -> top-right (4,0), bottom-right (5,2).
    const { box, shortSide } = miniBox([[0, 2], [4, 0], [5, 2], [1, 4]])
    const expected = [[0, 2], [4, 0], [5, 2], [1, 4]]
    box.forEach((p, i) => {
      near(p[0], expected[i][0], 1e-5, `corner ${i} x`)
      near(p[1], expected[i][1], 1e-5, `corner ${i} y`)
    })
    near(shortSide, Math.sqrt(5), 1e-6, 'short side')
  })
})
