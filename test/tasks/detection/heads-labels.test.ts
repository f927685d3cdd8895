import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseLabelList } from '../../../src/tasks/detection/label-list.js'
import { headAliases, splitHeads } from '../../../src/tasks/detection/picodet-heads.js'

describe('PicoDet head outputs by alias', () => {
  it('names scores_s{stride} then boxes_s{stride}', () => {
    assert.deepEqual(headAliases([8, 16]), ['scores_s8', 'scores_s16', 'boxes_s8', 'boxes_s16'])
  })

  it('splits a batch per image; [N, H·W, C] and [N, H, W, C] are the same memory', () => {
    const scores = { data: Float32Array.from({ length: 2 * 4 }, (_, i) => i), dims: [2, 2, 2, 1] }
    const boxes = { data: Float32Array.from({ length: 2 * 4 * 32 }, (_, i) => i), dims: [2, 4, 32] }
    const [first, second] = splitHeads({ scores_s16: scores, boxes_s16: boxes }, [16], 2)
    assert.deepEqual([...first![0]!.scores], [0, 1, 2, 3])
    assert.deepEqual([...second![0]!.scores], [4, 5, 6, 7])
    assert.equal(second![0]!.boxes[0], 128)
    assert.equal(first![0]!.stride, 16)
  })

  it('refuses a missing output or a wrong batch dimension', () => {
    const t = { data: new Float32Array(4), dims: [1, 4, 1] }
    assert.throws(() => splitHeads({ scores_s8: t }, [8], 1), /no "boxes_s8" output/)
    assert.throws(() => splitHeads({ scores_s8: t, boxes_s8: t }, [8], 2), /"scores_s8" has shape \[1,4,1\]: its batch dimension should be 2/)
  })
})

describe('label lists', () => {
  it('one name per line; CRLF and trailing blank lines are fine', () => {
    assert.deepEqual(parseLabelList('person\r\nbicycle\r\ntraffic light\n\n', 'l.txt'), ['person', 'bicycle', 'traffic light'])
  })
  it('a blank line inside, or no label at all, is a ConfigError naming the file', () => {
    assert.throws(() => parseLabelList('a\n\nb\n', 'l.txt'), /l\.txt:2: blank line/)
    assert.throws(() => parseLabelList('\n\n', 'l.txt'), /l\.txt: no labels/)
  })
})
