/**
 * nearest_interp_v2 and bilinear_interp_v2 as ONNX Resize. The output size comes from OutSize,
 * SizeTensor, the `scale` attribute or out_h/out_w, in Paddle's priority order. Coordinate
 * mapping: nearest is floor(dst · in/out) (asymmetric, floor) or, with align_corners, rounded
 * (align_corners, round_prefer_ceil); bilinear is half_pixel (align_mode 0) or asymmetric (1).
 */
import { ConversionError } from '../errors.js'
import { int, str } from '../onnx/graph-builder.js'
import { floatTensor } from '../onnx/const-tensor.js'
import { OnnxDType } from '../paddle/dtype.js'
import { cast } from './helpers.js'
import type { MapContext, OpMapper } from './mapper.js'

/** [scales, sizes] inputs for Resize; exactly one is non-empty. */
function target(ctx: MapContext): [string, string] {
  const { graph, attrs } = ctx
  const x = ctx.input('X')
  const batchAndChannels = () => graph.op('Slice', [graph.op('Shape', [x]), graph.int64s([0]), graph.int64s([2])])
  const sizesFrom = (hw: string) => graph.op('Concat', [batchAndChannels(), hw], { axis: int(0) })
  if (ctx.hasInput('OutSize')) return ['', sizesFrom(cast(graph, ctx.input('OutSize'), OnnxDType.INT64))]
  const list = ctx.inputs('SizeTensor')
  if (list.length > 0) {
    const parts = list.map((name) => graph.op('Reshape', [cast(graph, name, OnnxDType.INT64), graph.int64s([1])]))
    return ['', sizesFrom(graph.op('Concat', parts, { axis: int(0) }))]
  }
  if (ctx.hasInput('Scale')) throw new ConversionError(`${ctx.op.type}: a Scale input tensor is not supported`)
  const scaleAttr = attrs.has('scale') ? attrs.numbers('scale', []) : []
  if (scaleAttr.length > 0 && scaleAttr.every((s) => s > 0)) {
    const [h, w] = scaleAttr.length === 1 ? [scaleAttr[0]!, scaleAttr[0]!] : [scaleAttr[0]!, scaleAttr[1]!]
    return [graph.constant(floatTensor([1, 1, h, w])), '']
  }
  const outH = attrs.number('out_h', -1)
  const outW = attrs.number('out_w', -1)
  if (outH > 0 && outW > 0) return ['', sizesFrom(graph.int64s([outH, outW]))]
  throw new ConversionError(`${ctx.op.type}: no output size (OutSize, SizeTensor, scale or out_h/out_w)`)
}

function interpolate(mode: 'nearest' | 'linear'): OpMapper {
  return (ctx) => {
    const { attrs } = ctx
    if (attrs.string('data_layout', 'NCHW') !== 'NCHW') throw new ConversionError(`${ctx.op.type}: only NCHW is supported`)
    const alignCorners = attrs.bool('align_corners', false)
    const [scales, sizes] = target(ctx)
    const transform = alignCorners ? 'align_corners' : mode === 'nearest' || attrs.number('align_mode', 1) === 1 ? 'asymmetric' : 'half_pixel'
    const onnxAttrs = {
      mode: str(mode),
      coordinate_transformation_mode: str(transform),
      ...(mode === 'nearest' ? { nearest_mode: str(alignCorners ? 'round_prefer_ceil' : 'floor') } : {}),
    }
    const inputs = sizes ? [ctx.input('X'), '', '', sizes] : [ctx.input('X'), '', scales]
    ctx.graph.node('Resize', inputs, [ctx.output('Out')], onnxAttrs)
  }
}

export const nearestInterpV2 = interpolate('nearest')
export const bilinearInterpV2 = interpolate('linear')
