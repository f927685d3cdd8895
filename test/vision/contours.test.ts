import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findContours } from '../../src/vision/contours.js'

/** A 0/1 bitmap from rows of '#' and '.'. */
function bitmapOf(rows: string[]): { bitmap: Uint8Array; width: number; height: number } {
  const width = rows[0].length
  const bitmap = Uint8Array.from(rows.join('').split(''), (ch) => (ch === '#' ? 1 : 0))
  return { bitmap, width, height: rows.length }
}

describe('findContours (RETR_LIST, CHAIN_APPROX_SIMPLE)', () => {
  const twoBlobs = bitmapOf([
    '........',
    '.###....',
    '.###....',
    '........',
    '........',
    '.....#..',
    '......#.',
    '........',
  ])

  it('returns one outer border per 8-connected blob, in raster order of the first pixel', () => {
    const { bitmap, width, height } = twoBlobs
    assert.deepEqual(findContours(bitmap, width, height), [
      // OpenCV traces outer borders counter-clockwise on screen from the top-left pixel and keeps
      // only the corners of straight runs.
      [
        [1, 1],
        [1, 2],
        [3, 2],
        [3, 1],
      ],
      // Diagonal neighbours are connected (8-connectivity).
      [
        [5, 5],
        [6, 6],
      ],
    ])
  })

  it("can return cv2's own order (the reverse)", () => {
    const { bitmap, width, height } = twoBlobs
    const contours = findContours(bitmap, width, height, { order: 'opencv' })
    assert.deepEqual(contours[0][0], [5, 5])
  })

  it('includes blobs that touch the image border', () => {
    const { bitmap, width, height } = bitmapOf(['##.', '##.', '...'])
    assert.deepEqual(findContours(bitmap, width, height), [
      [
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
      ],
    ])
  })

  it('returns a single pixel as one point', () => {
    const { bitmap, width, height } = bitmapOf(['...', '.#.', '...'])
    assert.deepEqual(findContours(bitmap, width, height), [[[1, 1]]])
  })

  it('skips holes unless asked, and then traces them too', () => {
    const { bitmap, width, height } = bitmapOf(['###', '#.#', '###'])
    const outer = [
      [0, 0],
      [0, 2],
      [2, 2],
      [2, 0],
    ]
    assert.deepEqual(findContours(bitmap, width, height), [outer])
    const all = findContours(bitmap, width, height, { holes: true })
    assert.equal(all.length, 2)
    assert.deepEqual(all[0], outer)
    // The hole's border runs through the four pixels around it.
    assert.deepEqual(
      all[1].map((p) => p.join(',')).sort(),
      ['0,1', '1,0', '1,2', '2,1'],
    )
  })

  it('treats any non-zero value as foreground and checks the bitmap size', () => {
    assert.equal(findContours(Uint8Array.from([0, 255, 0, 0]), 2, 2).length, 1)
    assert.throws(() => findContours(new Uint8Array(3), 2, 2), RangeError)
  })

  it('handles a large map with many blobs', () => {
    const w = 200
    const bitmap = new Uint8Array(w * w)
    for (let b = 0; b < 25; b++) {
      const x0 = (b % 5) * 40 + 5
      const y0 = Math.floor(b / 5) * 40 + 5
      for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 20; x++) bitmap[y * w + x] = 1
    }
    const contours = findContours(bitmap, w, w)
    assert.equal(contours.length, 25)
    assert.deepEqual(contours[6], [
      [45, 45],
      [45, 54],
      [64, 54],
      [64, 45],
    ])
  })
})
