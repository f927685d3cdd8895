/**
 * layer_norm: normalise over the dims from begin_norm_axis on, then scale and shift. One
 * LayerNormalization node from opset 17; before that the mean/variance formula, which onnxruntime
 * fuses back into its LayerNorm kernel.
 */
import { ConversionError } from '../errors.js'
import { float, int, ints } from '../onnx/graph-builder.js'
import { floatTensor } from '../onnx/const-tensor.js'
import { reshapeValue } from './helpers.js'
import type { OpMapper } from './mapper.js'

export const layerNorm: OpMapper = (ctx) => {
  const { graph } = ctx
  const dims = ctx.dims('X')
  const begin = ctx.attrs.number('begin_norm_axis', 1)
  const epsilon = ctx.attrs.number('epsilon', 1e-5)
  const normDims = dims.slice(begin)
  const x = ctx.input('X')
  const out = ctx.output('Y')
  // Paddle keeps Scale and Bias flattened to one dim; both forms below want the normalised shape.
  const affine = (slot: string) => {
    if (!ctx.hasInput(slot)) return undefined
    if (normDims.some((d) => d < 0)) {
      if (normDims.length === 1) return ctx.input(slot)
      throw new ConversionError('layer_norm: normalised dims must be static when more than one')
    }
    return reshapeValue(graph, ctx.input(slot), normDims, ctx.constant(slot))
  }
  const scale = affine('Scale')
  const bias = affine('Bias')
  if (graph.opset >= 17) {
    const scaleInput = scale ?? graph.constant(floatTensor(Array<number>(normDims.reduce((a, b) => a * b, 1)).fill(1), normDims))
    const inputs = bias ? [x, scaleInput, bias] : [x, scaleInput]
    graph.node('LayerNormalization', inputs, [out], { axis: int(begin), epsilon: float(epsilon) })
    return
  }
  const axes = ints(normDims.map((_, i) => begin + i))
  const mean = graph.op('ReduceMean', [x], { axes, keepdims: int(1) })
  const centred = graph.op('Sub', [x, mean])
  const variance = graph.op('ReduceMean', [graph.op('Mul', [centred, centred])], { axes, keepdims: int(1) })
  const std = graph.op('Sqrt', [graph.op('Add', [variance, graph.constant(floatTensor([epsilon], []))])])
  // ReduceMean takes axes as an attribute up to opset 17; this branch runs only below 17.
  let y = graph.op('Div', [centred, std])
  const steps = [...(scale ? [['Mul', scale] as const] : []), ...(bias ? [['Add', bias] as const] : [])]
  if (steps.length === 0) {
    graph.node('Identity', [y], [out])
    return
  }
  steps.forEach(([opType, operand], index) => {
    if (index === steps.length - 1) graph.node(opType, [y, operand], [out])
    else y = graph.op(opType, [y, operand])
  })
}
