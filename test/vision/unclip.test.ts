import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ClipperLib from 'clipper-lib'
import type { Point } from '../../src/vision/image.js'
import { polygonArea } from '../../src/vision/polygon.js'
import { offsetClosedPolygonRound } from '../../src/vision/polygon-offset.js'
import { unclipPolygon } from '../../src/vision/unclip.js'

function bounds(points: readonly Point[]): number[] {
  const xs = points.map((p) => p[0])
  const ys = points.map((p) => p[1])
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

describe('unclipPolygon (PaddleOCR unclip)', () => {
  it('grows a 10x10 square by area * 1.5 / perimeter = 3.75 with round corners', () => {
    const out = unclipPolygon([[0, 0], [10, 0], [10, 10], [0, 10]], 1.5)
    // Offset by 3.75: edges at -3.75 and 13.75, rounded half away from zero to -4 and 14.
    assert.deepEqual(bounds(out), [-4, -4, 14, 14])
    // Between the exact rounded square (10^2 + 4 * 10 * 3.75 + pi * 3.75^2 = 294.2) and the
    // 18 x 18 bounding square: corners are short arcs of integer vertices rounded outwards.
    const area = polygonArea(out)
    assert.ok(area > 294.2 && area < 324, `area ${area}`)
  })

  it('truncates float coordinates to integers first, like pyclipper', () => {
    const a = unclipPolygon([[0.9, 0.9], [10.9, 0.9], [10.9, 10.9], [0.9, 10.9]], 1.5)
    const b = unclipPolygon([[0, 0], [10, 0], [10, 10], [0, 10]], 1.5)
    // Same distance (the area and perimeter are unchanged by the shift) and same integer input.
    assert.deepEqual(a, b)
  })

  it('agrees with clipper-lib where its arc steps are not capped (distance >= 2)', () => {
    const shapes: Point[][] = [
      [[0, 0], [40, 0], [40, 12], [0, 12]],
      [[3, 1], [50, 9], [47, 25], [0, 17]],
    ]
    for (const shape of shapes) {
      const path = shape.map(([x, y]) => ({ X: x, Y: y }))
      for (const delta of [2.5, 4, 7.25]) {
        const reference = new ClipperLib.ClipperOffset(2, 0.25)
        reference.AddPath(path, ClipperLib.JoinType.jtRound, ClipperLib.EndType.etClosedPolygon)
        const expected: { X: number; Y: number }[][] = []
        reference.Execute(expected, delta)
        assert.deepEqual(offsetClosedPolygonRound(path, delta), expected)
      }
    }
  })

  it('caps arc steps for small distances like C++ Clipper, unlike the JS port', () => {
    // distance = 25 * 1.5 / 20 = 1.875. C++ caps the steps per turn at 1.875 * pi, giving
    // round(1.875 / 2 * pi / 2) = 1 step per right-angled corner: each corner contributes only
    // its two edge offsets, rounded half away from zero (6.875 -> 7, -1.875 -> -2).
    const out = unclipPolygon([[0, 0], [5, 0], [5, 5], [0, 5]], 1.5)
    assert.deepEqual(out, [[7, 0], [7, 5], [5, 7], [0, 7], [-2, 5], [-2, 0], [0, -2], [5, -2]])
    const port = new ClipperLib.ClipperOffset(2, 0.25)
    port.AddPath([{ X: 0, Y: 0 }, { X: 5, Y: 0 }, { X: 5, Y: 5 }, { X: 0, Y: 5 }], ClipperLib.JoinType.jtRound, ClipperLib.EndType.etClosedPolygon)
    const uncapped: { X: number; Y: number }[][] = []
    port.Execute(uncapped, 1.875)
    assert.notDeepEqual(uncapped[0].map((p) => [p.X, p.Y]), out)
  })

  it('returns nothing for a polygon without perimeter', () => {
    assert.deepEqual(unclipPolygon([[1, 1], [1, 1], [1, 1], [1, 1]], 1.5), [])
  })
})
