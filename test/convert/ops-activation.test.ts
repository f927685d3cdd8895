import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertClose, runOp } from './helpers/op-graph.js'

const x = [-4, -1, 0, 0.5, 2, 4]
const io = { X: { dims: [1, 6] }, Out: { dims: [1, 6] } }
const feed = { X: { dims: [1, 6], data: x } }
const run = (type: string, attrs = {}, opset = 13) => runOp({ type, inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs }, io, feed, opset)

describe('activation mappers', () => {
  test('relu clamps negatives to zero', async () => {
    assertClose((await run('relu')).Out!.data, [0, 0, 0, 0.5, 2, 4])
  })

  test('sigmoid', async () => {
    assertClose((await run('sigmoid')).Out!.data, [0.0179862, 0.2689414, 0.5, 0.6224593, 0.8807971, 0.9820138])
  })

  test('leaky_relu uses alpha for negatives', async () => {
    assertClose((await run('leaky_relu', { alpha: 0.1 })).Out!.data, [-0.4, -0.1, 0, 0.5, 2, 4])
  })

  test('hard_sigmoid is clip(slope·x + offset, 0, 1)', async () => {
    assertClose((await run('hard_sigmoid', { slope: 0.2, offset: 0.5 })).Out!.data, [0, 0.3, 0.5, 0.6, 0.9, 1])
  })

  for (const opset of [13, 14]) {
    test(`hard_swish is x·clip(x+3, 0, 6)/6 (opset ${opset})`, async () => {
      const out = await run('hard_swish', { threshold: 6, scale: 6, offset: 3 }, opset)
      assertClose(out.Out!.data, [-0, -1 / 3, 0, 0.5 * 3.5 / 6, 2 * 5 / 6, 4])
    })
  }

  test('hard_swish with threshold ≠ scale uses the general formula', async () => {
    // x · clip(x + 1, 0, 2) / 4
    assertClose((await run('hard_swish', { threshold: 2, scale: 4, offset: 1 })).Out!.data, [-0, -0, 0, 0.5 * 1.5 / 4, 2 * 2 / 4, 4 * 2 / 4])
  })

  test('swish with beta 1 and 2', async () => {
    const sig = (v: number) => 1 / (1 + Math.exp(-v))
    assertClose((await run('swish', { beta: 1 })).Out!.data, x.map((v) => v * sig(v)))
    assertClose((await run('swish', { beta: 2 })).Out!.data, x.map((v) => v * sig(2 * v)))
  })

  test('an unsupported activation is refused with its count', async () => {
    await assert.rejects(run('relu6'), /unsupported Paddle ops: relu6 ×1/)
  })
})
