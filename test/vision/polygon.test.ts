import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fillPolygon } from '../../src/vision/fill-poly.js'
import type { Point } from '../../src/vision/image.js'
import { meanInsidePolygon, polygonArea, polygonPerimeter } from '../../src/vision/polygon.js'

/** The mask as rows of '#' and '.' so expected shapes read like pictures. */
function picture(mask: Uint8Array, width: number): string[] {
  const rows: string[] = []
  for (let i = 0; i < mask.length; i += width) rows.push(Array.from(mask.subarray(i, i + width), (v) => (v ? '#' : '.')).join(''))
  return rows
}

describe('polygonArea and polygonPerimeter', () => {
  it('measure a 3-4-5 right triangle in either winding', () => {
    const tri: Point[] = [[0, 0], [4, 0], [0, 3]]
    assert.equal(polygonArea(tri), 6)
    assert.equal(polygonArea([...tri].reverse()), 6)
    assert.equal(polygonPerimeter(tri), 12)
  })

  it('are zero for degenerate input', () => {
    assert.equal(polygonArea([[0, 0], [1, 1]]), 0)
    assert.equal(polygonPerimeter([[2, 2]]), 0)
  })
})

describe('fillPolygon (cv2.fillPoly)', () => {
  it('fills a triangle including its drawn outline', () => {
    const mask = new Uint8Array(16)
    fillPolygon(mask, 4, 4, [[0, 0], [3, 0], [0, 3]], 1)
    assert.deepEqual(picture(mask, 4), ['####', '###.', '##..', '#...'])
  })

  it('clips a polygon that leaves the image', () => {
    const mask = new Uint8Array(9)
    fillPolygon(mask, 3, 3, [[-2, 1], [5, 1], [5, 2], [-2, 2]], 1)
    assert.deepEqual(picture(mask, 3), ['...', '###', '###'])
  })

  it('draws slanted edges with 8-connected Bresenham lines', () => {
    const mask = new Uint8Array(5 * 3)
    fillPolygon(mask, 5, 3, [[0, 0], [4, 1], [0, 1]], 1)
    // Edge (0,0)-(4,1): err starts at dx - 2dy = 2, so y steps after x = 2.
    assert.deepEqual(picture(mask, 5), ['###..', '#####', '.....'])
  })
})

describe('meanInsidePolygon (PaddleOCR box_score_fast)', () => {
  // map value = 4y + x
  const map = Float32Array.from({ length: 16 }, (_, i) => i)

  it('averages the pixels of an axis-aligned box, edges included', () => {
    assert.equal(meanInsidePolygon(map, 4, 4, [[1, 1], [2, 1], [2, 2], [1, 2]]), (5 + 6 + 9 + 10) / 4)
  })

  it('averages over the filled triangle only', () => {
    // Pixels 0,1,2,3 / 4,5,6 / 8,9 / 12 -> 50 / 10
    assert.equal(meanInsidePolygon(map, 4, 4, [[0, 0], [3, 0], [0, 3]]), 5)
  })

  it('truncates float corners after shifting to the clipped bounding box', () => {
    // xmin = floor(0.6) = 0, xmax = ceil(1.4) = 2; corners truncate to x = 0 and 1, y = 1 and 2.
    const box: Point[] = [[0.6, 1.2], [1.4, 1.2], [1.4, 2.7], [0.6, 2.7]]
    assert.equal(meanInsidePolygon(map, 4, 4, box), (4 + 5 + 8 + 9) / 4)
  })

  it('clips a box that runs off the map', () => {
    assert.equal(meanInsidePolygon(map, 4, 4, [[2, 2], [9, 2], [9, 9], [2, 9]]), (10 + 11 + 14 + 15) / 4)
  })
})
