import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { GalleryHit } from '../../../src/retrieval/gallery-index.js'
import { selectRecognitions } from '../../../src/tasks/recognition/rec-results.js'
import type { Box } from '../../../src/tasks/detection/nms.js'

const hit = (label: string, score: number, id = 0): GalleryHit => ({ id, path: `${label}.jpg`, label, score })

describe('PP-ShiTu result selection (score_thres, then rec NMS with +1 areas)', () => {
  const options = { scoreThres: 0.5, nmsThres: 0.05, returnK: undefined }

  it('keeps boxes whose top-1 reaches score_thres, best first after NMS', () => {
    const boxes: Box[] = [
      [0, 0, 10, 10],
      [100, 100, 120, 120],
      [200, 200, 220, 220],
    ]
    const results = selectRecognitions(boxes, [[hit('a', 0.6)], [hit('b', 0.49)], [hit('c', 0.9)]], options)
    assert.deepEqual(
      results.map((r) => [r.rec_docs, r.rec_scores]),
      [
        ['c', 0.9],
        ['a', 0.6],
      ],
    )
  })

  it('suppresses an overlapping box above IoU 0.05, counting areas with +1 pixels', () => {
    // Whole image and a box inside it: IoU = 121/10201 ≈ 0.012 → both kept at 0.05.
    const inside = selectRecognitions(
      [
        [0, 0, 100, 100],
        [10, 10, 20, 20],
      ],
      [[hit('whole', 0.8)], [hit('part', 0.7)]],
      options,
    )
    assert.equal(inside.length, 2)
    // Heavily overlapping boxes: the lower score goes.
    const overlapping = selectRecognitions(
      [
        [0, 0, 100, 100],
        [5, 5, 100, 100],
      ],
      [[hit('x', 0.8)], [hit('y', 0.9)]],
      options,
    )
    assert.deepEqual(overlapping.map((r) => r.rec_docs), ['y'])
  })

  it('rounds boxes to integer pixels and lists candidates only when return_k is asked', () => {
    const [plain] = selectRecognitions([[0.4, 1.6, 10.5, 20.2]], [[hit('a', 0.9, 7), hit('b', 0.5, 8)]], options)
    assert.deepEqual(plain!.bbox, [0, 2, 11, 20])
    assert.equal(plain!.candidates, undefined)
    const [withK] = selectRecognitions([[0, 0, 10, 10]], [[hit('a', 0.9, 7), hit('b', 0.5, 8)]], { ...options, returnK: 2 })
    assert.deepEqual(withK!.candidates, [
      { id: 7, label: 'a', score: 0.9 },
      { id: 8, label: 'b', score: 0.5 },
    ])
  })

  it('returns nothing for boxes without hits', () => {
    assert.deepEqual(selectRecognitions([[0, 0, 1, 1]], [[]], options), [])
  })
})
