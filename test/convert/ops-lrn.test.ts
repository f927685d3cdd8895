import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertClose, runOp } from './helpers/op-graph.js'

// X is [1, 3, 1, 2]: channel 0 = [1, 2], channel 1 = [3, 0], channel 2 = [0, 1].
const x = [1, 2, 3, 0, 0, 1]
// MidOut (Paddle's saved denominator, for training) is declared by no var here, so it is not fetched.
const io = { X: { dims: [1, 3, 1, 2] }, Out: { dims: [1, 3, 1, 2] } }
const feed = { X: { dims: [1, 3, 1, 2], data: x } }
const run = (attrs: Record<string, number | string>) =>
  runOp({ type: 'lrn', inputs: { X: ['X'] }, outputs: { Out: ['Out'], MidOut: ['MidOut'] }, attrs }, io, feed)

describe('lrn mapper', () => {
  test('Paddle does not divide alpha by n: x / (k + alpha·Σx²)^beta over n = 3 channels', async () => {
    // Window sums of x² (clipped at the edges):
    //   c0 = c0+c1: [1+9, 4+0] = [10, 4]; c1 = c0+c1+c2: [10, 5]; c2 = c1+c2: [9, 1]
    // out = x / (1 + 0.5·sum): [1/6, 2/3, 3/6, 0/3.5, 0/5.5, 1/1.5]
    const out = await run({ n: 3, k: 1, alpha: 0.5, beta: 1 })
    assertClose(out.Out!.data, [1 / 6, 2 / 3, 0.5, 0, 0, 2 / 3])
  })

  test('k and beta: n = 1 is x / sqrt(2 + x²)', async () => {
    const out = await run({ n: 1, k: 2, alpha: 1, beta: 0.5 })
    assertClose(out.Out!.data, [1 / Math.sqrt(3), 2 / Math.sqrt(6), 3 / Math.sqrt(11), 0, 0, 1 / Math.sqrt(3)])
  })

  test('Paddle defaults (n 5, k 2, alpha 1e-4, beta 0.75) apply to attributes left out', async () => {
    // n = 5 covers all 3 channels: Σx² = [10, 5] at both positions of every channel.
    const out = await run({})
    const denominator = (sum: number) => (2 + 1e-4 * sum) ** 0.75
    assertClose(out.Out!.data, [1 / denominator(10), 2 / denominator(5), 3 / denominator(10), 0, 0, 1 / denominator(5)], 1e-6)
  })

  test('an even n and the NHWC layout are refused', async () => {
    await assert.rejects(run({ n: 4 }), /lrn: n must be a positive odd integer, got 4/)
    await assert.rejects(run({ n: 3, data_format: 'NHWC' }), /lrn: NHWC layout is not supported/)
  })
})
