/** Small graph idioms several mappers share (opset-13 forms of Squeeze, Unsqueeze, Reshape, Cast). */
import type { ConstTensor } from '../onnx/const-tensor.js'
import { int, type GraphBuilder } from '../onnx/graph-builder.js'
import type { OnnxDTypeCode } from '../paddle/dtype.js'
import { ConversionError } from '../errors.js'

export function unsqueeze(graph: GraphBuilder, x: string, axes: readonly number[], output?: string): string {
  if (output) return graph.node('Unsqueeze', [x, graph.int64s(axes)], [output])[0]!
  return graph.op('Unsqueeze', [x, graph.int64s(axes)])
}

export function squeeze(graph: GraphBuilder, x: string, axes: readonly number[], output?: string): string {
  if (output) return graph.node('Squeeze', [x, graph.int64s(axes)], [output])[0]!
  return graph.op('Squeeze', [x, graph.int64s(axes)])
}

export function cast(graph: GraphBuilder, x: string, to: OnnxDTypeCode): string {
  return graph.op('Cast', [x], { to: int(to) })
}

/**
 * `x` reshaped to `dims` (0 = keep, -1 = infer). A constant is reshaped at conversion time into a
 * new initializer, so the model carries no Reshape for it.
 */
export function reshapeValue(graph: GraphBuilder, x: string, dims: readonly number[], constant: ConstTensor | undefined): string {
  if (constant && dims.every((d) => d > 0)) {
    return graph.constant({ ...constant, dims }, `${x}__reshaped`)
  }
  return graph.op('Reshape', [x, graph.int64s(dims)])
}

/** Appends `count` unit dims (Paddle's axis broadcasting aligns a low-rank operand on the left). */
export function appendUnitDims(graph: GraphBuilder, x: string, dims: readonly number[], count: number, constant: ConstTensor | undefined): string {
  if (count <= 0) return x
  if (constant) return reshapeValue(graph, x, [...constant.dims, ...Array<number>(count).fill(1)], constant)
  const rank = dims.length
  return unsqueeze(graph, x, Array.from({ length: count }, (_, i) => rank + i))
}

/** Paddle pads (`[h, w]` or `[top, bottom, left, right]`) as ONNX pads `[top, left, bottom, right]`. */
export function onnxPads(opType: string, paddings: readonly number[]): number[] {
  if (paddings.length === 2) return [paddings[0]!, paddings[1]!, paddings[0]!, paddings[1]!]
  if (paddings.length === 4) return [paddings[0]!, paddings[2]!, paddings[1]!, paddings[3]!]
  throw new ConversionError(`${opType}: paddings ${JSON.stringify(paddings)} should have 2 or 4 values`)
}

/** The ONNX `auto_pad`/`pads` attributes for Paddle's padding_algorithm. */
export function padAttrs(opType: string, algorithm: string, paddings: readonly number[]): { auto_pad?: string; pads?: number[] } {
  if (algorithm === 'SAME') return { auto_pad: 'SAME_UPPER' }
  if (algorithm === 'VALID') return { pads: [0, 0, 0, 0] }
  if (algorithm === 'EXPLICIT' || algorithm === '') return { pads: onnxPads(opType, paddings) }
  throw new ConversionError(`${opType}: unknown padding_algorithm ${algorithm}`)
}
