/**
 * shape (int32 in Paddle, so a Cast after ONNX's int64 Shape) and slice, whose bounds come from
 * attributes or, when present, from tensors (StartsTensor / StartsTensorList and the Ends forms).
 */
import { int } from '../onnx/graph-builder.js'
import { OnnxDType } from '../paddle/dtype.js'
import { cast, squeeze } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

export const shape: OpMapper = (ctx) => {
  const { graph } = ctx
  graph.node('Cast', [graph.op('Shape', [ctx.input('Input')])], [ctx.output('Out')], { to: int(OnnxDType.INT32) })
}

/** Slice bounds as one int64 tensor: from a whole tensor, a list of 1-element tensors, or the attribute. */
function bounds(ctx: MapContext, which: 'Starts' | 'Ends', fallback: readonly number[]): string {
  const { graph } = ctx
  if (ctx.hasInput(`${which}Tensor`)) return cast(graph, ctx.input(`${which}Tensor`), OnnxDType.INT64)
  const list = ctx.inputs(`${which}TensorList`)
  if (list.length > 0) {
    const parts = list.map((name) => graph.op('Reshape', [cast(graph, name, OnnxDType.INT64), graph.int64s([1])]))
    return graph.op('Concat', parts, { axis: int(0) })
  }
  return graph.int64s(fallback)
}

export const slice: OpMapper = (ctx) => {
  const { graph, attrs } = ctx
  const axes = attrs.numbers('axes')
  const starts = bounds(ctx, 'Starts', attrs.numbers('starts', []))
  const ends = bounds(ctx, 'Ends', attrs.numbers('ends', []))
  const decrease = attrs.numbers('decrease_axis', [])
  const out = ctx.output('Out')
  const inputs = [ctx.input('Input'), starts, ends, graph.int64s(axes)]
  const rank = ctx.dims('Input').length
  // Paddle before 2.5 has no 0-D tensors: decreasing every axis leaves shape [1], which the
  // output's declaration shows.
  const keepsOne = rank - decrease.length === 0 && ctx.outputDims('Out').length === 1
  if (decrease.length === 0 || keepsOne) {
    graph.node('Slice', inputs, [out])
  } else {
    squeeze(graph, graph.op('Slice', inputs), decrease, out)
  }
}
