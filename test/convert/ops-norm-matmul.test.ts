import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertClose, runOp } from './helpers/op-graph.js'

describe('normalisation mappers', () => {
  test('batch_norm: (x - mean) / sqrt(var + eps) · scale + bias per channel', async () => {
    const out = await runOp(
      { type: 'batch_norm', inputs: { X: ['X'], Scale: ['s'], Bias: ['b'], Mean: ['m'], Variance: ['v'] }, outputs: { Y: ['Y'], MeanOut: ['m'] }, attrs: { epsilon: 1e-5 } },
      { X: { dims: [1, 2, 1, 2] }, s: { dims: [2], value: [1, 2] }, b: { dims: [2], value: [0, 1] }, m: { dims: [2], value: [1, 3] }, v: { dims: [2], value: [4, 1] }, Y: { dims: [1, 2, 1, 2] } },
      { X: { dims: [1, 2, 1, 2], data: [1, 2, 3, 4] } },
    )
    assertClose(out.Y!.data, [0, 0.5, 1, 3], 1e-4)
  })

  for (const opset of [13, 17]) {
    test(`layer_norm over the last axis with scale and bias (opset ${opset})`, async () => {
      const out = await runOp(
        { type: 'layer_norm', inputs: { X: ['X'], Scale: ['s'], Bias: ['b'] }, outputs: { Y: ['Y'] }, attrs: { begin_norm_axis: 2, epsilon: 1e-5 } },
        { X: { dims: [1, 2, 3] }, s: { dims: [3], value: [1, 1, 2] }, b: { dims: [3], value: [0, 0, 1] }, Y: { dims: [1, 2, 3] } },
        { X: { dims: [1, 2, 3], data: [1, 2, 3, 2, 4, 6] } },
        opset,
      )
      const k = 1 / Math.sqrt(2 / 3)
      assertClose(out.Y!.data, [-k, 0, 2 * k + 1, -k, 0, 2 * k + 1], 1e-4)
    })
  }
})

describe('matmul mappers', () => {
  const x = { X: { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } }
  const vars = (y: number[], yDims: number[]) => ({ X: { dims: [2, 3] }, Y: { dims: yDims, value: y }, Out: { dims: [2, 2] } })

  test('matmul_v2 and its trans_y form', async () => {
    const plain = await runOp({ type: 'matmul_v2', inputs: { X: ['X'], Y: ['Y'] }, outputs: { Out: ['Out'] }, attrs: { trans_x: false, trans_y: false } }, vars([1, 0, 0, 1, 1, 1], [3, 2]), x)
    assertClose(plain.Out!.data, [4, 5, 10, 11])
    const transposed = await runOp({ type: 'matmul_v2', inputs: { X: ['X'], Y: ['Y'] }, outputs: { Out: ['Out'] }, attrs: { trans_x: false, trans_y: true } }, vars([1, 0, 1, 0, 1, 1], [2, 3]), x)
    assertClose(transposed.Out!.data, [4, 5, 10, 11])
  })

  test('matmul (v1) multiplies by alpha', async () => {
    const out = await runOp({ type: 'matmul', inputs: { X: ['X'], Y: ['Y'] }, outputs: { Out: ['Out'] }, attrs: { alpha: 2, transpose_X: false, transpose_Y: false } }, vars([1, 0, 0, 1, 1, 1], [3, 2]), x)
    assertClose(out.Out!.data, [8, 10, 20, 22])
  })

  test('matmul_v2 of two fed batched operands (attention scores)', async () => {
    const out = await runOp(
      { type: 'matmul_v2', inputs: { X: ['X'], Y: ['K'] }, outputs: { Out: ['Out'] }, attrs: { trans_x: false, trans_y: true } },
      { X: { dims: [1, 2, 2] }, K: { dims: [1, 2, 2] }, Out: { dims: [1, 2, 2] } },
      { X: { dims: [1, 2, 2], data: [1, 0, 0, 1] }, K: { dims: [1, 2, 2], data: [1, 2, 3, 4] } },
    )
    assertClose(out.Out!.data, [1, 3, 2, 4])
  })

  test('mul flattens X at x_num_col_dims (old fully connected layer)', async () => {
    const out = await runOp(
      { type: 'mul', inputs: { X: ['X'], Y: ['Y'] }, outputs: { Out: ['Out'] }, attrs: { x_num_col_dims: 1, y_num_col_dims: 1 } },
      { X: { dims: [1, 3, 1, 1] }, Y: { dims: [3, 2], value: [1, 0, 0, 1, 1, 1] }, Out: { dims: [1, 2] } },
      { X: { dims: [1, 3, 1, 1], data: [1, 2, 3] } },
    )
    assert.deepEqual(out.Out!.dims, [1, 2])
    assertClose(out.Out!.data, [4, 5])
  })

  test('mul keeps leading dims when x_num_col_dims is 2', async () => {
    const out = await runOp(
      { type: 'mul', inputs: { X: ['X'], Y: ['Y'] }, outputs: { Out: ['Out'] }, attrs: { x_num_col_dims: 2, y_num_col_dims: 1 } },
      { X: { dims: [2, 1, 2] }, Y: { dims: [2, 1, 3], value: [1, 2, 3, 4, 5, 6] }, Out: { dims: [2, 1, 1, 3] } },
      { X: { dims: [2, 1, 2], data: [1, 0, 0, 1] } },
    )
    assert.deepEqual(out.Out!.dims, [2, 1, 1, 3])
    assertClose(out.Out!.data, [1, 2, 3, 4, 5, 6])
  })
})
