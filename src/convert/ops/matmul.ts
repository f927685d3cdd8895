/** matmul (v1, with alpha), matmul_v2 and the old fully-connected `mul` (flatten, then 2-D product). */
import { int, ints } from '../onnx/graph-builder.js'
import { floatTensor } from '../onnx/const-tensor.js'
import { reshapeValue } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

/** The operand with its last two dims swapped when `transpose` is set (a 1-D operand is left alone). */
function maybeTransposed(ctx: MapContext, slot: string, transpose: boolean): string {
  const x = ctx.input(slot)
  const rank = ctx.dims(slot).length
  if (!transpose || rank < 2) return x
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2]
  return ctx.graph.op('Transpose', [x], { perm: ints(perm) })
}

export const matmulV2: OpMapper = (ctx) => {
  const x = maybeTransposed(ctx, 'X', ctx.attrs.bool('trans_x', false))
  const y = maybeTransposed(ctx, 'Y', ctx.attrs.bool('trans_y', false))
  ctx.graph.node('MatMul', [x, y], [ctx.output('Out')])
}

export const matmul: OpMapper = (ctx) => {
  const { graph } = ctx
  const x = maybeTransposed(ctx, 'X', ctx.attrs.bool('transpose_X', false))
  const y = maybeTransposed(ctx, 'Y', ctx.attrs.bool('transpose_Y', false))
  const alpha = ctx.attrs.number('alpha', 1)
  const out = ctx.output('Out')
  if (alpha === 1) {
    graph.node('MatMul', [x, y], [out])
  } else {
    graph.node('Mul', [graph.op('MatMul', [x, y]), graph.constant(floatTensor([alpha], []))], [out])
  }
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1)

/** out = flatten(X at x_num_col_dims) · flatten(Y at y_num_col_dims), shaped X[:xn] ++ Y[yn:]. */
export const mul: OpMapper = (ctx) => {
  const { graph } = ctx
  const xDims = ctx.dims('X')
  const yDims = ctx.dims('Y')
  const xCols = ctx.attrs.number('x_num_col_dims', 1)
  const yCols = ctx.attrs.number('y_num_col_dims', 1)
  const x2d = xDims.length === 2 && xCols === 1 ? ctx.input('X') : graph.op('Flatten', [ctx.input('X')], { axis: int(xCols) })
  const yConstant = ctx.constant('Y')
  let y2d = ctx.input('Y')
  if (yDims.length !== 2 || yCols !== 1) {
    y2d = yConstant
      ? reshapeValue(graph, y2d, [product(yDims.slice(0, yCols)), product(yDims.slice(yCols))], yConstant)
      : graph.op('Flatten', [y2d], { axis: int(yCols) })
  }
  const out = ctx.output('Out')
  const tail = yDims.slice(yCols)
  if (xCols === 1 && tail.length === 1) {
    graph.node('MatMul', [x2d, y2d], [out])
    return
  }
  const head = graph.op('Slice', [graph.op('Shape', [ctx.input('X')]), graph.int64s([0]), graph.int64s([xCols])])
  const shape = graph.op('Concat', [head, graph.int64s(tail)], { axis: int(0) })
  graph.node('Reshape', [graph.op('MatMul', [x2d, y2d]), shape], [out])
}
