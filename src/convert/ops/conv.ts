/**
 * conv2d, depthwise_conv2d (a grouped conv2d) and conv2d_transpose. Paddle's filter layouts are
 * ONNX's ([out, in/groups, kh, kw] and [in, out/groups, kh, kw]), so weights pass through as is.
 */
import { ConversionError } from '../errors.js'
import { int, ints, str, type OnnxAttr } from '../onnx/graph-builder.js'
import { padAttrs } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

function convAttrs(ctx: MapContext): Record<string, OnnxAttr> {
  const filter = ctx.dims('Filter')
  if (ctx.attrs.string('data_format', 'NCHW') === 'NHWC') throw new ConversionError(`${ctx.op.type}: NHWC layout is not supported`)
  const pads = padAttrs(ctx.op.type, ctx.attrs.string('padding_algorithm', 'EXPLICIT'), ctx.attrs.numbers('paddings', [0, 0]))
  return {
    kernel_shape: ints(filter.slice(2)),
    strides: ints(ctx.attrs.numbers('strides', [1, 1])),
    dilations: ints(ctx.attrs.numbers('dilations', [1, 1])),
    group: int(ctx.attrs.number('groups', 1)),
    ...(pads.auto_pad ? { auto_pad: str(pads.auto_pad) } : { pads: ints(pads.pads ?? [0, 0, 0, 0]) }),
  }
}

function convInputs(ctx: MapContext): string[] {
  if (ctx.hasInput('ResidualData')) throw new ConversionError(`${ctx.op.type}: fused ResidualData is not supported`)
  const inputs = [ctx.input('Input'), ctx.input('Filter')]
  if (ctx.hasInput('Bias')) inputs.push(ctx.input('Bias'))
  return inputs
}

export const conv2d: OpMapper = (ctx) => {
  ctx.graph.node('Conv', convInputs(ctx), [ctx.output('Output')], convAttrs(ctx))
}

export const conv2dTranspose: OpMapper = (ctx) => {
  const attrs = convAttrs(ctx)
  const outputPadding = ctx.attrs.numbers('output_padding', [])
  const outputSize = ctx.attrs.numbers('output_size', [])
  if (outputPadding.length > 0) attrs.output_padding = ints(outputPadding)
  if (outputSize.length > 0) attrs.output_shape = ints(outputSize)
  ctx.graph.node('ConvTranspose', convInputs(ctx), [ctx.output('Output')], attrs)
}
