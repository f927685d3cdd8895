import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseClassIdMap } from '../../../src/tasks/classification/class-labels.js'
import { softmax, topk } from '../../../src/tasks/classification/topk.js'

describe('Topk', () => {
  it('returns the k best classes, best first, ties by lower id', () => {
    const result = topk(new Float32Array([0.1, 0.4, 0.05, 0.4, 0.05]), 3)
    assert.deepEqual(result.classIds, [1, 3, 0])
    assert.deepEqual(result.scores.map((s) => Math.round(s * 100) / 100), [0.4, 0.4, 0.1])
  })
  it('softmax of logits sums to 1 and keeps the order', () => {
    const p = softmax(new Float32Array([2, 1, 0, 1000]))
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6)
    assert.ok(p[3]! > 0.999, 'stable for large logits')
    const q = softmax(new Float32Array([Math.log(1), Math.log(3)]))
    assert.ok(Math.abs(q[1]! - 0.75) < 1e-6)
  })
})

describe('class_id_map files', () => {
  it('reads "<id> <name>" lines', () => {
    const labels = parseClassIdMap('0 tench, Tinca tinca\n1 goldfish, Carassius auratus\r\n\n', 'labels.txt')
    assert.deepEqual([...labels], [
      [0, 'tench, Tinca tinca'],
      [1, 'goldfish, Carassius auratus'],
    ])
  })
  it('refuses a malformed line or a duplicate id, naming file and line', () => {
    assert.throws(() => parseClassIdMap('0 tench\ngoldfish\n', 'labels.txt'), /labels\.txt:2: expected "<class id> <name>"/)
    assert.throws(() => parseClassIdMap('0 a\n0 b\n', 'labels.txt'), /labels\.txt:2: class id 0 appears twice/)
  })
})
