import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { PaddleDType } from '../../src/convert/paddle/dtype.js'
import { assertClose, runGraph, runOp } from './helpers/op-graph.js'

const twelve = Array.from({ length: 12 }, (_, i) => i)

describe('shape and slice mappers', () => {
  test('shape gives int32 dims of a fed tensor', async () => {
    const out = await runOp({ type: 'shape', inputs: { Input: ['X'] }, outputs: { Out: ['Out'] } }, { X: { dims: [-1, 3, 4] }, Out: { dims: [3], dtype: PaddleDType.INT32 } }, { X: { dims: [2, 3, 4], data: Array(24).fill(0) } })
    assert.deepEqual(out.Out!.data, [2, 3, 4])
  })

  test('slice over two axes', async () => {
    const out = await runOp({ type: 'slice', inputs: { Input: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axes: [0, 1], starts: [1, 1], ends: [3, 3] } }, { X: { dims: [3, 4] }, Out: { dims: [2, 2] } }, { X: { dims: [3, 4], data: twelve } })
    assertClose(out.Out!.data, [5, 6, 9, 10])
  })

  test('slice with decrease_axis drops the axis; decreasing a 1-D tensor keeps shape [1]', async () => {
    const row = await runOp({ type: 'slice', inputs: { Input: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axes: [0], starts: [1], ends: [2], decrease_axis: [0] } }, { X: { dims: [3, 4] }, Out: { dims: [4] } }, { X: { dims: [3, 4], data: twelve } })
    assert.deepEqual(row.Out!.dims, [4])
    assertClose(row.Out!.data, [4, 5, 6, 7])
    const one = await runOp({ type: 'slice', inputs: { Input: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axes: [0], starts: [2], ends: [3], decrease_axis: [0] } }, { X: { dims: [4] }, Out: { dims: [1] } }, { X: { dims: [4], data: [7, 8, 9, 10] } })
    assert.deepEqual(one.Out!.dims, [1])
    assertClose(one.Out!.data, [9])
  })

  test('slice bounds from StartsTensorList / EndsTensorList', async () => {
    const out = await runOp(
      { type: 'slice', inputs: { Input: ['X'], StartsTensorList: ['s'], EndsTensorList: ['e'] }, outputs: { Out: ['Out'] }, attrs: { axes: [1], starts: [-1], ends: [-1] } },
      { X: { dims: [3, 4] }, s: { dims: [1], dtype: PaddleDType.INT64 }, e: { dims: [1], dtype: PaddleDType.INT64 }, Out: { dims: [3, -1] } },
      { X: { dims: [3, 4], data: twelve }, s: { dims: [1], data: [2], dtype: 'int64' }, e: { dims: [1], data: [4], dtype: 'int64' } },
    )
    assertClose(out.Out!.data, [2, 3, 6, 7, 10, 11])
  })
})

describe('layout mappers', () => {
  const x = { X: { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } }

  test('reshape2 from the attribute (0 copies a dim) and from a ShapeTensor list', async () => {
    const attr = await runOp({ type: 'reshape2', inputs: { X: ['X'] }, outputs: { Out: ['Out'], XShape: ['xs'] }, attrs: { shape: [0, -1, 1] } }, { X: { dims: [2, 3] }, Out: { dims: [2, 3, 1] } }, x)
    assert.deepEqual(attr.Out!.dims, [2, 3, 1])
    const list = await runOp(
      { type: 'reshape2', inputs: { X: ['X'], ShapeTensor: ['a', 'b'] }, outputs: { Out: ['Out'] }, attrs: { shape: [-1, -1] } },
      { X: { dims: [2, 3] }, a: { dims: [1], dtype: PaddleDType.INT32 }, b: { dims: [1], dtype: PaddleDType.INT32 }, Out: { dims: [-1, -1] } },
      { ...x, a: { dims: [1], data: [3], dtype: 'int32' }, b: { dims: [1], data: [2], dtype: 'int32' } },
    )
    assert.deepEqual(list.Out!.dims, [3, 2])
    assertClose(list.Out!.data, [1, 2, 3, 4, 5, 6])
  })

  test('flatten_contiguous_range to the end and over an inner range', async () => {
    const feed = { X: { dims: [2, 3, 4], data: Array(24).fill(1) } }
    const tail = await runOp({ type: 'flatten_contiguous_range', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { start_axis: 1, stop_axis: 2 } }, { X: { dims: [2, 3, 4] }, Out: { dims: [2, 12] } }, feed)
    assert.deepEqual(tail.Out!.dims, [2, 12])
    const head = await runOp({ type: 'flatten_contiguous_range', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { start_axis: 0, stop_axis: 1 } }, { X: { dims: [2, 3, 4] }, Out: { dims: [6, 4] } }, feed)
    assert.deepEqual(head.Out!.dims, [6, 4])
  })

  test('squeeze2, unsqueeze2 and transpose2', async () => {
    const sq = await runOp({ type: 'squeeze2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axes: [1] } }, { X: { dims: [2, 1, 3] }, Out: { dims: [2, 3] } }, { X: { dims: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] } })
    assert.deepEqual(sq.Out!.dims, [2, 3])
    const unsq = await runOp({ type: 'unsqueeze2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axes: [0] } }, { X: { dims: [2, 3] }, Out: { dims: [1, 2, 3] } }, x)
    assert.deepEqual(unsq.Out!.dims, [1, 2, 3])
    const tr = await runOp({ type: 'transpose2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axis: [1, 0] } }, { X: { dims: [2, 3] }, Out: { dims: [3, 2] } }, x)
    assertClose(tr.Out!.data, [1, 4, 2, 5, 3, 6])
  })

  test('concat and split (sections with one inferred, and equal parts)', async () => {
    const cat = await runOp({ type: 'concat', inputs: { X: ['X', 'Y'] }, outputs: { Out: ['Out'] }, attrs: { axis: 1 } }, { X: { dims: [2, 3] }, Y: { dims: [2, 1] }, Out: { dims: [2, 4] } }, { ...x, Y: { dims: [2, 1], data: [7, 8] } })
    assertClose(cat.Out!.data, [1, 2, 3, 7, 4, 5, 6, 8])
    const parts = await runOp({ type: 'split', inputs: { X: ['X'] }, outputs: { Out: ['A', 'B'] }, attrs: { axis: 1, num: 0, sections: [1, -1] } }, { X: { dims: [2, 3] }, A: { dims: [2, 1] }, B: { dims: [2, 2] } }, x)
    assertClose(parts.A!.data, [1, 4])
    assertClose(parts.B!.data, [2, 3, 5, 6])
    for (const opset of [13, 18]) {
      const equal = await runOp({ type: 'split', inputs: { X: ['X'] }, outputs: { Out: ['A', 'B', 'C'] }, attrs: { axis: 1, num: 3, sections: [] } }, { X: { dims: [2, 3] }, A: { dims: [2, 1] }, B: { dims: [2, 1] }, C: { dims: [2, 1] } }, x, opset)
      assertClose(equal.C!.data, [3, 6])
    }
  })
})

describe('value mappers', () => {
  const x = { X: { dims: [1, 3], data: [1, 2, 3] } }
  const io = { X: { dims: [1, 3] }, Out: { dims: [1, 3] } }

  test('softmax over the last axis', async () => {
    const out = await runOp({ type: 'softmax', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { axis: -1 } }, io, x)
    assertClose(out.Out!.data, [0.0900306, 0.2447285, 0.665241])
  })

  test('scale with bias after or before scaling, and the identity', async () => {
    const run = (attrs: Record<string, number | boolean>) => runOp({ type: 'scale', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs }, io, x)
    assertClose((await run({ scale: 2, bias: 1, bias_after_scale: true })).Out!.data, [3, 5, 7])
    assertClose((await run({ scale: 2, bias: 1, bias_after_scale: false })).Out!.data, [4, 6, 8])
    assertClose((await run({ scale: 1, bias: 0, bias_after_scale: true })).Out!.data, [1, 2, 3])
  })

  test('dropout: identity for upscale_in_train, keep-probability scaling for downgrade_in_infer', async () => {
    const run = (mode: string) => runOp({ type: 'dropout', inputs: { X: ['X'] }, outputs: { Out: ['Out'], Mask: ['mask'] }, attrs: { dropout_implementation: mode, dropout_prob: 0.2 } }, io, x)
    assertClose((await run('upscale_in_train')).Out!.data, [1, 2, 3])
    assertClose((await run('downgrade_in_infer')).Out!.data, [0.8, 1.6, 2.4])
  })

  test('assign and cast (float → int32 truncates)', async () => {
    assertClose((await runOp({ type: 'assign', inputs: { X: ['X'] }, outputs: { Out: ['Out'] } }, io, x)).Out!.data, [1, 2, 3])
    const cast = await runOp({ type: 'cast', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { in_dtype: 5, out_dtype: 2 } }, { X: { dims: [2] }, Out: { dims: [2], dtype: PaddleDType.INT32 } }, { X: { dims: [2], data: [1.7, -1.2] } })
    assert.deepEqual(cast.Out!.data, [1, -1])
  })

  test('fill_constant becomes a constant operand', async () => {
    const out = await runGraph(
      {
        vars: { X: { dims: [1, 3] }, c: { dims: [1] }, Out: { dims: [1, 3] } },
        ops: [
          { type: 'fill_constant', inputs: {}, outputs: { Out: ['c'] }, attrs: { shape: [1], dtype: 5, value: 0, str_value: '2.5' } },
          { type: 'elementwise_add', inputs: { X: ['X'], Y: ['c'] }, outputs: { Out: ['Out'] }, attrs: { axis: -1 } },
        ],
        feeds: ['X'],
        fetches: ['Out'],
      },
      x,
    )
    assertClose(out.Out!.data, [3.5, 4.5, 5.5])
  })
})

describe('interpolation mappers', () => {
  const x = { X: { dims: [1, 1, 2, 2], data: [1, 2, 3, 4] } }

  test('nearest_interp_v2 by scale 2 repeats pixels', async () => {
    const out = await runOp({ type: 'nearest_interp_v2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { scale: [2, 2], out_h: -1, out_w: -1, align_corners: false, interp_method: 'nearest' } }, { X: { dims: [1, 1, 2, 2] }, Out: { dims: [1, 1, 4, 4] } }, x)
    assertClose(out.Out!.data, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
  })

  test('nearest_interp_v2 to out_h/out_w 3 takes floor(dst · in/out)', async () => {
    const out = await runOp({ type: 'nearest_interp_v2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { scale: [], out_h: 3, out_w: 3, align_corners: false } }, { X: { dims: [1, 1, 2, 2] }, Out: { dims: [1, 1, 3, 3] } }, x)
    assertClose(out.Out!.data, [1, 1, 2, 1, 1, 2, 3, 3, 4])
  })

  test('bilinear_interp_v2 with half-pixel centres (align_mode 0)', async () => {
    const out = await runOp({ type: 'bilinear_interp_v2', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: { scale: [], out_h: 4, out_w: 4, align_corners: false, align_mode: 0 } }, { X: { dims: [1, 1, 2, 2] }, Out: { dims: [1, 1, 4, 4] } }, x)
    const w = [0, 0.25, 0.75, 1]
    assertClose(out.Out!.data, w.flatMap((wy) => w.map((wx) => 1 + wx + 2 * wy)))
  })
})
