/**
 * elementwise_add/sub/mul/div. Paddle broadcasts like numpy when `axis` is -1 or both ranks
 * match; otherwise the lower-rank operand lines up with the other's dims starting at `axis`
 * (X [N,C,H,W] + Y [C] with axis 1), so it gets trailing unit dims before the ONNX op.
 */
import { ConversionError } from '../errors.js'
import { appendUnitDims } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

function alignOperands(ctx: MapContext): [string, string] {
  let x = ctx.input('X')
  let y = ctx.input('Y')
  const xDims = ctx.dims('X')
  const yDims = ctx.dims('Y')
  const axis = ctx.attrs.number('axis', -1)
  if (axis === -1 || xDims.length === yDims.length) return [x, y]
  const [big, small] = xDims.length > yDims.length ? [xDims, yDims] : [yDims, xDims]
  const start = axis < 0 ? axis + big.length : axis
  const trailing = big.length - start - small.length
  if (trailing < 0) {
    throw new ConversionError(`${ctx.op.type}: axis ${axis} does not fit operands of rank ${xDims.length} and ${yDims.length}`)
  }
  if (xDims.length > yDims.length) y = appendUnitDims(ctx.graph, y, yDims, trailing, ctx.constant('Y'))
  else x = appendUnitDims(ctx.graph, x, xDims, trailing, ctx.constant('X'))
  return [x, y]
}

function elementwise(onnxOp: 'Add' | 'Sub' | 'Mul' | 'Div'): OpMapper {
  return (ctx) => {
    ctx.graph.node(onnxOp, alignOperands(ctx), [ctx.output('Out')])
  }
}

export const elementwiseAdd = elementwise('Add')
export const elementwiseSub = elementwise('Sub')
export const elementwiseMul = elementwise('Mul')
export const elementwiseDiv = elementwise('Div')
