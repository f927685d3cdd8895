import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assertClose, runOp } from './helpers/op-graph.js'

// X [1, 2, 2, 2] = 1..8 (channel 0: 1..4, channel 1: 5..8)
const x = [1, 2, 3, 4, 5, 6, 7, 8]
const feedX = { X: { dims: [1, 2, 2, 2], data: x } }

describe('elementwise mappers', () => {
  test('add with axis 1 broadcasts a per-channel parameter', async () => {
    const out = await runOp(
      { type: 'elementwise_add', inputs: { X: ['X'], Y: ['b'] }, outputs: { Out: ['Out'] }, attrs: { axis: 1 } },
      { X: { dims: [1, 2, 2, 2] }, b: { dims: [2], value: [10, 100] }, Out: { dims: [1, 2, 2, 2] } },
      feedX,
    )
    assertClose(out.Out!.data, [11, 12, 13, 14, 105, 106, 107, 108])
  })

  test('mul with axis -1 broadcasts numpy-style (scalar parameter first)', async () => {
    const out = await runOp(
      { type: 'elementwise_mul', inputs: { X: ['s'], Y: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axis: -1 } },
      { X: { dims: [1, 2, 2, 2] }, s: { dims: [1], value: [0.5] }, Out: { dims: [1, 2, 2, 2] } },
      feedX,
    )
    assertClose(out.Out!.data, x.map((v) => v / 2))
  })

  test('mul of [N,C,H,W] by a fed [N,C,1,1] gate (squeeze-excite)', async () => {
    const out = await runOp(
      { type: 'elementwise_mul', inputs: { X: ['X'], Y: ['g'] }, outputs: { Out: ['Out'] }, attrs: { axis: -1 } },
      { X: { dims: [1, 2, 2, 2] }, g: { dims: [1, 2, 1, 1] }, Out: { dims: [1, 2, 2, 2] } },
      { ...feedX, g: { dims: [1, 2, 1, 1], data: [2, -1] } },
    )
    assertClose(out.Out!.data, [2, 4, 6, 8, -5, -6, -7, -8])
  })

  test('sub and div with a fed lower-rank operand and an axis', async () => {
    const vars = { X: { dims: [1, 2, 2, 2] }, y: { dims: [2] }, Out: { dims: [1, 2, 2, 2] } }
    const feeds = { ...feedX, y: { dims: [2], data: [1, 4] } }
    const sub = await runOp({ type: 'elementwise_sub', inputs: { X: ['X'], Y: ['y'] }, outputs: { Out: ['Out'] }, attrs: { axis: 1 } }, vars, feeds)
    assertClose(sub.Out!.data, [0, 1, 2, 3, 1, 2, 3, 4])
    const div = await runOp({ type: 'elementwise_div', inputs: { X: ['X'], Y: ['y'] }, outputs: { Out: ['Out'] }, attrs: { axis: 1 } }, vars, feeds)
    assertClose(div.Out!.data, [1, 2, 3, 4, 1.25, 1.5, 1.75, 2])
  })

  test('add with axis 2 on [N,T,C] + [C] (linear bias)', async () => {
    const out = await runOp(
      { type: 'elementwise_add', inputs: { X: ['X'], Y: ['b'] }, outputs: { Out: ['Out'] }, attrs: { axis: 2 } },
      { X: { dims: [1, 2, 3] }, b: { dims: [3], value: [1, 2, 3] }, Out: { dims: [1, 2, 3] } },
      { X: { dims: [1, 2, 3], data: [0, 0, 0, 10, 10, 10] } },
    )
    assertClose(out.Out!.data, [1, 2, 3, 11, 12, 13])
  })

  test('an axis that does not fit the ranks is an error', async () => {
    await assert.rejects(
      runOp(
        { type: 'elementwise_add', inputs: { X: ['X'], Y: ['b'] }, outputs: { Out: ['Out'] }, attrs: { axis: 4 } },
        { X: { dims: [1, 2, 2, 2] }, b: { dims: [2], value: [1, 1] }, Out: { dims: [1, 2, 2, 2] } },
        feedX,
      ),
      /axis 4 does not fit/,
    )
  })
})
