import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ctcCharset, ctcGreedyDecode } from '../../../src/tasks/ocr/ctc-decode.js'

/** Builds a steps × classes probability matrix from the argmax class and its probability per step. */
function probs(classes: number, steps: Array<[number, number]>): Float32Array {
  const data = new Float32Array(steps.length * classes)
  steps.forEach(([cls, p], t) => {
    const rest = (1 - p) / (classes - 1)
    for (let c = 0; c < classes; c++) data[t * classes + c] = c === cls ? p : rest
  })
  return data
}

describe('ctcCharset', () => {
  it('puts blank first and a space last, as PaddleOCR with use_space_char', () => {
    assert.deepEqual(ctcCharset('a\nb\nc'), ['blank', 'a', 'b', 'c', ' '])
  })
  it('ignores one trailing newline and CRLF line ends', () => {
    assert.deepEqual(ctcCharset('a\r\nb\r\n'), ['blank', 'a', 'b', ' '])
  })
})

describe('ctcGreedyDecode', () => {
  const charset = ['blank', 'a', 'b', ' ']
  it('drops blanks, collapses repeats, keeps a repeat separated by a blank', () => {
    const p = probs(4, [[1, 0.9], [1, 0.8], [0, 0.99], [1, 0.7], [2, 0.6], [3, 0.5], [2, 0.9]])
    const out = ctcGreedyDecode(p, 7, 4, charset)
    assert.equal(out.text, 'aab b')
    // kept steps: t0 (0.9), t3 (0.7), t4 (0.6), t5 (0.5), t6 (0.9)
    assert.ok(Math.abs(out.confidence - (0.9 + 0.7 + 0.6 + 0.5 + 0.9) / 5) < 1e-6)
  })
  it('gives an empty text with confidence 0 for all-blank output', () => {
    const out = ctcGreedyDecode(probs(4, [[0, 0.9], [0, 0.9]]), 2, 4, charset)
    assert.deepEqual(out, { text: '', confidence: 0 })
  })
  it('refuses a charset that does not match the model classes', () => {
    assert.throws(() => ctcGreedyDecode(new Float32Array(10), 2, 5, charset), /5 classes but the charset has 4/)
  })
})
