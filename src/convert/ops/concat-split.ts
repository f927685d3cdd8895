/** concat along an axis, and split into equal parts (`num`) or given `sections` (one -1 inferred). */
import { ConversionError } from '../errors.js'
import { int } from '../onnx/graph-builder.js'
import type { OpMapper } from './mapper.js'

export const concat: OpMapper = (ctx) => {
  if (ctx.hasInput('AxisTensor')) throw new ConversionError('concat: an AxisTensor input is not supported')
  ctx.graph.node('Concat', ctx.inputs('X'), [ctx.output('Out')], { axis: int(ctx.attrs.number('axis', 0)) })
}

export const split: OpMapper = (ctx) => {
  const { graph, attrs } = ctx
  if (ctx.hasInput('AxisTensor') || ctx.inputs('SectionsTensorList').length > 0) {
    throw new ConversionError('split: axis or sections given as tensors are not supported')
  }
  const dims = ctx.dims('X')
  const axis = attrs.number('axis', 0)
  const outputs = ctx.outputs('Out')
  const sections = attrs.numbers('sections', [])
  const onnxAxis = { axis: int(axis) }
  if (sections.length === 0) {
    // Opset 18 wants the part count spelled out when no sizes are given.
    const attrsForOpset = graph.opset >= 18 ? { ...onnxAxis, num_outputs: int(outputs.length) } : onnxAxis
    graph.node('Split', [ctx.input('X')], outputs, attrsForOpset)
    return
  }
  const size = dims[axis < 0 ? axis + dims.length : axis] ?? -1
  const known = sections.filter((s) => s >= 0).reduce((a, b) => a + b, 0)
  const resolved = sections.map((s) => (s >= 0 ? s : size - known))
  if (resolved.some((s) => s < 0)) throw new ConversionError(`split: sections ${JSON.stringify(sections)} need a static size on axis ${axis}`)
  graph.node('Split', [ctx.input('X'), graph.int64s(resolved)], outputs, onnxAxis)
}
