/** batch_norm at inference: y = (x - mean) / sqrt(var + eps) · scale + bias over channel axis 1. */
import { ConversionError } from '../errors.js'
import { float } from '../onnx/graph-builder.js'
import type { OpMapper } from './mapper.js'

export const batchNorm: OpMapper = (ctx) => {
  const layout = ctx.attrs.string('data_layout', 'NCHW')
  if (layout !== 'NCHW' && layout !== 'AnyLayout') throw new ConversionError(`batch_norm: data_layout ${layout} is not supported`)
  const inputs = ['X', 'Scale', 'Bias', 'Mean', 'Variance'].map((slot) => ctx.input(slot))
  ctx.graph.node('BatchNormalization', inputs, [ctx.output('Y')], { epsilon: float(ctx.attrs.number('epsilon', 1e-5)) })
}
