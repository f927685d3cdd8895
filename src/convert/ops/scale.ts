/**
 * scale: out = scale·x + bias (bias_after_scale) or scale·(x + bias), in x's dtype. Identity when
 * scale is 1 and bias 0 (Paddle's save_inference_model appends one before each fetch).
 */
import { ConversionError } from '../errors.js'
import { numericTensor } from '../onnx/const-tensor.js'
import { dtypeInfo } from '../paddle/dtype.js'
import type { OpMapper } from './mapper.js'

export const scale: OpMapper = (ctx) => {
  const { graph } = ctx
  if (ctx.hasInput('ScaleTensor')) throw new ConversionError('scale: a ScaleTensor input is not supported')
  const factor = ctx.attrs.number('scale', 1)
  const bias = ctx.attrs.number('bias', 0)
  const biasAfter = ctx.attrs.bool('bias_after_scale', true)
  const x = ctx.input('X')
  const out = ctx.output('Out')
  const dtype = dtypeInfo(ctx.dtype('X')).onnx
  const constant = (value: number) => graph.constant(numericTensor(dtype, [value], []))
  if (factor === 1 && bias === 0) {
    graph.node('Identity', [x], [out])
  } else if (bias === 0) {
    graph.node('Mul', [x, constant(factor)], [out])
  } else if (factor === 1) {
    graph.node('Add', [x, constant(bias)], [out])
  } else if (biasAfter) {
    graph.node('Add', [graph.op('Mul', [x, constant(factor)]), constant(bias)], [out])
  } else {
    graph.node('Mul', [graph.op('Add', [x, constant(bias)]), constant(factor)], [out])
  }
}
