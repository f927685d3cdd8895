import assert from 'node:assert/strict'
import { it } from 'node:test'
import { dbPostprocess, type DbParams } from '../../../src/tasks/ocr/db-postprocess.js'

const PARAMS: DbParams = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 1000 }

/** A width×height map with value `p` inside each [x0, y0, x1, y1] (inclusive) block. */
function mapWith(width: number, height: number, blocks: Array<[number, number, number, number, number]>) {
  const data = new Float32Array(width * height)
  for (const [x0, y0, x1, y1, p] of blocks) {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = p
  }
  return { data, width, height }
}

it('turns a solid block into one box grown by area×1.5/perimeter on each side', () => {
  // Pixels x 10..49, y 20..29: contour rectangle 39×9, distance = 351×1.5/96 ≈ 5.48.
  const boxes = dbPostprocess(mapWith(100, 60, [[10, 20, 49, 29, 0.9]]), 100, 60, PARAMS)
  assert.equal(boxes.length, 1)
  const [tl, tr, br, bl] = boxes[0]!.quad
  const expected = [[4.5, 14.5], [54.5, 14.5], [54.5, 34.5], [4.5, 34.5]]
  ;[tl, tr, br, bl].forEach((p, i) => {
    assert.ok(Math.abs(p[0] - expected[i]![0]!) <= 1 && Math.abs(p[1] - expected[i]![1]!) <= 1, `corner ${i}: ${p}`)
  })
  assert.ok(Math.abs(boxes[0]!.score - 0.9) < 1e-6)
})

it('scales boxes from the map to the original image size', () => {
  const boxes = dbPostprocess(mapWith(100, 60, [[10, 20, 49, 29, 0.9]]), 200, 120, PARAMS)
  const [tl, , br] = boxes[0]!.quad
  assert.ok(Math.abs(tl[0] - 9) <= 2 && Math.abs(tl[1] - 29) <= 2, `top-left ${tl}`)
  assert.ok(Math.abs(br[0] - 109) <= 2 && Math.abs(br[1] - 69) <= 2, `bottom-right ${br}`)
})

it('drops regions whose mean probability is under box_thresh and specks under 3 px', () => {
  const map = mapWith(100, 60, [
    [10, 5, 49, 14, 0.5], // above thresh 0.3 but mean 0.5 < box_thresh 0.6
    [70, 40, 71, 41, 1.0], // 2×2 speck
  ])
  assert.deepEqual(dbPostprocess(map, 100, 60, PARAMS), [])
})

it('clips boxes that grow past the image border', () => {
  const boxes = dbPostprocess(mapWith(60, 30, [[0, 0, 40, 9, 1]]), 60, 30, PARAMS)
  assert.equal(boxes.length, 1)
  for (const [x, y] of boxes[0]!.quad) assert.ok(x >= 0 && x <= 59 && y >= 0 && y <= 29, `${x},${y}`)
})
