/**
 * Ops that only move or relabel elements: reshape/reshape2, flatten_contiguous_range, squeeze2,
 * unsqueeze2 and transpose2 (their XShape outputs are training-only and dropped).
 */
import { ConversionError } from '../errors.js'
import { int, ints } from '../onnx/graph-builder.js'
import { OnnxDType } from '../paddle/dtype.js'
import { cast, squeeze, unsqueeze } from './helpers.js'
import type { OpMapper } from './mapper.js'

/** Target shape priority as in Paddle: ShapeTensor (list of 1-element tensors), then Shape, then the attribute. */
export const reshape: OpMapper = (ctx) => {
  const { graph } = ctx
  let target: string
  const list = ctx.inputs('ShapeTensor')
  if (list.length > 0) {
    const parts = list.map((name) => graph.op('Reshape', [cast(graph, name, OnnxDType.INT64), graph.int64s([1])]))
    target = graph.op('Concat', parts, { axis: int(0) })
  } else if (ctx.hasInput('Shape')) {
    target = cast(graph, ctx.input('Shape'), OnnxDType.INT64)
  } else {
    target = graph.int64s(ctx.attrs.numbers('shape'))
  }
  graph.node('Reshape', [ctx.input('X'), target], [ctx.output('Out')])
}

/** Merges dims start_axis..stop_axis into one. */
export const flattenContiguousRange: OpMapper = (ctx) => {
  const { graph } = ctx
  const rank = ctx.dims('X').length
  const norm = (axis: number) => (axis < 0 ? axis + rank : axis)
  const start = norm(ctx.attrs.number('start_axis', 1))
  const stop = norm(ctx.attrs.number('stop_axis', -1))
  const x = ctx.input('X')
  const out = ctx.output('Out')
  if (rank === 0 || start === stop) {
    graph.node('Identity', [x], [out])
  } else if (stop === rank - 1) {
    // Reshape's 0 copies the input dim at the same index, which holds for every dim before start.
    graph.node('Reshape', [x, graph.int64s([...Array<number>(start).fill(0), -1])], [out])
  } else {
    const shapeOf = graph.op('Shape', [x])
    const head = graph.op('Slice', [shapeOf, graph.int64s([0]), graph.int64s([start])])
    const tail = graph.op('Slice', [shapeOf, graph.int64s([stop + 1]), graph.int64s([rank])])
    const target = graph.op('Concat', [head, graph.int64s([-1]), tail], { axis: int(0) })
    graph.node('Reshape', [x, target], [out])
  }
}

/** Squeezes the listed axes that have size 1 (Paddle skips the others; ONNX would fail on them). */
export const squeeze2: OpMapper = (ctx) => {
  const dims = ctx.dims('X')
  const rank = dims.length
  const axes = ctx.attrs.numbers('axes', []).map((a) => (a < 0 ? a + rank : a))
  const chosen = axes.length === 0 ? dims.flatMap((d, i) => (d === 1 ? [i] : [])) : axes.filter((a) => dims[a] !== undefined && dims[a]! <= 1)
  if (chosen.length === 0) {
    ctx.graph.node('Identity', [ctx.input('X')], [ctx.output('Out')])
    return
  }
  if (axes.length > 0 && chosen.some((a) => dims[a] === -1)) {
    throw new ConversionError(`squeeze2: axes ${JSON.stringify(axes)} have dynamic size; cannot tell whether they are 1`)
  }
  squeeze(ctx.graph, ctx.input('X'), chosen, ctx.output('Out'))
}

export const unsqueeze2: OpMapper = (ctx) => {
  if (ctx.hasInput('AxesTensor') || ctx.inputs('AxesTensorList').length > 0) {
    throw new ConversionError('unsqueeze2: axes given as tensors are not supported')
  }
  unsqueeze(ctx.graph, ctx.input('X'), ctx.attrs.numbers('axes'), ctx.output('Out'))
}

export const transpose2: OpMapper = (ctx) => {
  ctx.graph.node('Transpose', [ctx.input('X')], [ctx.output('Out')], { perm: ints(ctx.attrs.numbers('axis')) })
}
