/**
 * pool2d (max or avg). Global pooling, and adaptive pooling to 1×1, become Global*Pool; other
 * adaptive sizes become a plain pool when the input size is static and divisible. `exclusive`
 * (average over real pixels only) is ONNX's count_include_pad = 0, and ceil_mode carries over.
 */
import { ConversionError } from '../errors.js'
import { int, ints, str, type OnnxAttr } from '../onnx/graph-builder.js'
import { padAttrs } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

function adaptiveKernel(ctx: MapContext, outSize: readonly number[]): number[] {
  const spatial = ctx.dims('X').slice(2)
  const kernel = spatial.map((size, i) => (size > 0 && size % outSize[i]! === 0 ? size / outSize[i]! : -1))
  if (kernel.some((k) => k < 0)) {
    throw new ConversionError(`pool2d: adaptive pooling to ${JSON.stringify(outSize)} needs a static input size divisible by it (input ${JSON.stringify(spatial)})`)
  }
  return kernel
}

export const pool2d: OpMapper = (ctx) => {
  const { graph, attrs } = ctx
  const type = attrs.string('pooling_type')
  if (type !== 'max' && type !== 'avg') throw new ConversionError(`pool2d: pooling_type ${type} is not supported`)
  if (attrs.string('data_format', 'NCHW') === 'NHWC') throw new ConversionError('pool2d: NHWC layout is not supported')
  const x = ctx.input('X')
  const out = ctx.output('Out')
  const ksize = attrs.numbers('ksize')
  const adaptive = attrs.bool('adaptive', false)
  if (attrs.bool('global_pooling', false) || (adaptive && ksize.every((k) => k === 1))) {
    graph.node(type === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], [out])
    return
  }
  const exclusive = attrs.bool('exclusive', true)
  const ceilMode = attrs.bool('ceil_mode', false)
  // onnxruntime shrinks the divisor of a ceil-mode window that runs past the padding; Paddle
  // keeps ksize when exclusive is off. No model we convert uses that combination.
  if (type === 'avg' && !exclusive && ceilMode && !adaptive) {
    throw new ConversionError('pool2d: average pooling with exclusive=false and ceil_mode=true is not supported')
  }
  const kernel = adaptive ? adaptiveKernel(ctx, ksize) : [...ksize]
  const pads = adaptive ? { pads: [0, 0, 0, 0] } : padAttrs('pool2d', attrs.string('padding_algorithm', 'EXPLICIT'), attrs.numbers('paddings', [0, 0]))
  const onnxAttrs: Record<string, OnnxAttr> = {
    kernel_shape: ints(kernel),
    strides: ints(adaptive ? kernel : attrs.numbers('strides', [1, 1])),
    ceil_mode: int(ceilMode && !adaptive ? 1 : 0),
    ...(pads.auto_pad ? { auto_pad: str(pads.auto_pad) } : { pads: ints(pads.pads ?? [0, 0, 0, 0]) }),
  }
  if (type === 'avg') onnxAttrs.count_include_pad = int(exclusive ? 0 : 1)
  graph.node(type === 'max' ? 'MaxPool' : 'AveragePool', [x], [out], onnxAttrs)
}
