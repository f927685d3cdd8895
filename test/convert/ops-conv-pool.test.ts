import { describe, test } from 'node:test'
import { assertClose, runOp } from './helpers/op-graph.js'

const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9]
const sixteen = Array.from({ length: 16 }, (_, i) => i + 1)

function conv(type: string, attrs: Record<string, unknown>, x: { dims: number[]; data: number[] }, w: { dims: number[]; value: number[] }, out: number[]) {
  return runOp(
    { type, inputs: { Input: ['X'], Filter: ['W'] }, outputs: { Output: ['Out'] }, attrs: attrs as never },
    { X: { dims: x.dims }, W: w, Out: { dims: out } },
    { X: x },
  )
}

function pool(attrs: Record<string, unknown>, x: { dims: number[]; data: number[] }, out: number[]) {
  return runOp({ type: 'pool2d', inputs: { X: ['X'] }, outputs: { Out: ['Out'] }, attrs: attrs as never }, { X: { dims: x.dims }, Out: { dims: out } }, { X: x })
}

describe('conv mappers', () => {
  test('conv2d 2×2 diagonal filter, no padding', async () => {
    const out = await conv('conv2d', { strides: [1, 1], paddings: [0, 0], dilations: [1, 1], groups: 1 }, { dims: [1, 1, 3, 3], data: nine }, { dims: [1, 1, 2, 2], value: [1, 0, 0, 1] }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [6, 8, 12, 14])
  })

  test('conv2d stride 2 with symmetric padding', async () => {
    const out = await conv('conv2d', { strides: [2, 2], paddings: [1, 1], groups: 1 }, { dims: [1, 1, 3, 3], data: nine }, { dims: [1, 1, 3, 3], value: Array(9).fill(1) }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [12, 16, 24, 28])
  })

  test('conv2d with four paddings [top, bottom, left, right]', async () => {
    const out = await conv('conv2d', { strides: [1, 1], paddings: [1, 0, 0, 1] }, { dims: [1, 1, 2, 2], data: [1, 2, 3, 4] }, { dims: [1, 1, 2, 2], value: [1, 1, 1, 1] }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [3, 2, 10, 6])
  })

  test('conv2d padding_algorithm SAME pads at the end', async () => {
    const out = await conv('conv2d', { strides: [1, 1], paddings: [0, 0], padding_algorithm: 'SAME' }, { dims: [1, 1, 3, 3], data: nine }, { dims: [1, 1, 2, 2], value: [1, 1, 1, 1] }, [1, 1, 3, 3])
    assertClose(out.Out!.data, [12, 16, 9, 24, 28, 15, 15, 17, 9])
  })

  test('depthwise_conv2d scales each channel by its own filter', async () => {
    const out = await conv('depthwise_conv2d', { strides: [1, 1], paddings: [0, 0], groups: 2 }, { dims: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { dims: [2, 1, 1, 1], value: [2, 3] }, [1, 2, 2, 2])
    assertClose(out.Out!.data, [2, 4, 6, 8, 15, 18, 21, 24])
  })

  test('conv2d_transpose stride 2 expands each pixel into a 2×2 block', async () => {
    const out = await conv('conv2d_transpose', { strides: [2, 2], paddings: [0, 0], output_padding: [], output_size: [] }, { dims: [1, 1, 2, 2], data: [1, 2, 3, 4] }, { dims: [1, 1, 2, 2], value: [1, 1, 1, 1] }, [1, 1, 4, 4])
    assertClose(out.Out!.data, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
  })
})

describe('pool2d mapper', () => {
  test('max 2×2 stride 2', async () => {
    const out = await pool({ pooling_type: 'max', ksize: [2, 2], strides: [2, 2], paddings: [0, 0] }, { dims: [1, 1, 4, 4], data: sixteen }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [6, 8, 14, 16])
  })

  test('max 3×3 stride 2 in ceil mode keeps the partial last window', async () => {
    const out = await pool({ pooling_type: 'max', ksize: [3, 3], strides: [2, 2], paddings: [0, 0], ceil_mode: true }, { dims: [1, 1, 4, 4], data: sixteen }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [11, 12, 15, 16])
  })

  test('ceil-mode exclusive average pooling (ResNet50_vd shortcut) averages real pixels only', async () => {
    const out = await pool({ pooling_type: 'avg', ksize: [2, 2], strides: [2, 2], paddings: [0, 0], ceil_mode: true, exclusive: true }, { dims: [1, 1, 3, 3], data: nine }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [3, 4.5, 7.5, 9])
  })

  test('average pooling with padding: exclusive divides by real pixels, non-exclusive by the window', async () => {
    const base = { pooling_type: 'avg', ksize: [3, 3], strides: [1, 1], paddings: [1, 1] }
    const x = { dims: [1, 1, 2, 2], data: [1, 2, 3, 4] }
    assertClose((await pool({ ...base, exclusive: true }, x, [1, 1, 2, 2])).Out!.data, [2.5, 2.5, 2.5, 2.5])
    assertClose((await pool({ ...base, exclusive: false }, x, [1, 1, 2, 2])).Out!.data, Array(4).fill(10 / 9))
  })

  test('global pooling and adaptive 1×1 pooling', async () => {
    const x = { dims: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }
    assertClose((await pool({ pooling_type: 'avg', ksize: [1, 1], adaptive: true }, x, [1, 2, 1, 1])).Out!.data, [2.5, 6.5])
    assertClose((await pool({ pooling_type: 'max', ksize: [2, 2], global_pooling: true }, x, [1, 2, 1, 1])).Out!.data, [4, 8])
  })

  test('adaptive average pooling to 2×2 from a static 4×4', async () => {
    const out = await pool({ pooling_type: 'avg', ksize: [2, 2], adaptive: true }, { dims: [1, 1, 4, 4], data: sixteen }, [1, 1, 2, 2])
    assertClose(out.Out!.data, [3.5, 5.5, 11.5, 13.5])
  })
})
