/**
 * Every Paddle op type the converter maps, with its mapper and the ONNX ops it becomes. The list
 * of names types the table, so a name without a mapper (or a mapper without a name) fails to compile.
 */
import { hardSigmoid, hardSwish, leakyRelu, relu, sigmoid, swish } from './activation.js'
import { batchNorm } from './batch-norm.js'
import { concat, split } from './concat-split.js'
import { conv2d, conv2dTranspose } from './conv.js'
import { elementwiseAdd, elementwiseDiv, elementwiseMul, elementwiseSub } from './elementwise.js'
import { fillConstant } from './fill-constant.js'
import { bilinearInterpV2, nearestInterpV2 } from './interpolate.js'
import { layerNorm } from './layer-norm.js'
import { lrn } from './lrn.js'
import type { OpMapper } from './mapper.js'
import { matmul, matmulV2, mul } from './matmul.js'
import { assign, castOp, dropout } from './passthrough.js'
import { pool2d } from './pool2d.js'
import { flattenContiguousRange, reshape, squeeze2, transpose2, unsqueeze2 } from './reshape.js'
import { scale } from './scale.js'
import { shape, slice } from './shape-slice.js'
import { softmax } from './softmax.js'

export const SUPPORTED_OPS = [
  'assign', 'batch_norm', 'bilinear_interp_v2', 'cast', 'concat', 'conv2d', 'conv2d_transpose',
  'depthwise_conv2d', 'dropout', 'elementwise_add', 'elementwise_div', 'elementwise_mul',
  'elementwise_sub', 'fill_constant', 'flatten_contiguous_range', 'hard_sigmoid', 'hard_swish',
  'layer_norm', 'leaky_relu', 'lrn', 'matmul', 'matmul_v2', 'mul', 'nearest_interp_v2', 'pool2d', 'relu',
  'reshape', 'reshape2', 'scale', 'shape', 'sigmoid', 'slice', 'softmax', 'split', 'squeeze2',
  'swish', 'transpose2', 'unsqueeze2',
] as const
export type SupportedOp = (typeof SUPPORTED_OPS)[number]

export interface OpEntry {
  readonly map: OpMapper
  /** The ONNX ops it produces, for the coverage table (`convert --list-ops`). */
  readonly onnx: string
}

export const OP_MAPPERS: { readonly [K in SupportedOp]: OpEntry } = {
  assign: { map: assign, onnx: 'Identity' },
  batch_norm: { map: batchNorm, onnx: 'BatchNormalization' },
  bilinear_interp_v2: { map: bilinearInterpV2, onnx: 'Resize (linear)' },
  cast: { map: castOp, onnx: 'Cast' },
  concat: { map: concat, onnx: 'Concat' },
  conv2d: { map: conv2d, onnx: 'Conv' },
  conv2d_transpose: { map: conv2dTranspose, onnx: 'ConvTranspose' },
  depthwise_conv2d: { map: conv2d, onnx: 'Conv (group = channels)' },
  dropout: { map: dropout, onnx: 'Identity, or Mul by 1-p (downgrade_in_infer)' },
  elementwise_add: { map: elementwiseAdd, onnx: 'Add (+ Unsqueeze/reshaped constant for axis)' },
  elementwise_div: { map: elementwiseDiv, onnx: 'Div (+ axis alignment)' },
  elementwise_mul: { map: elementwiseMul, onnx: 'Mul (+ axis alignment)' },
  elementwise_sub: { map: elementwiseSub, onnx: 'Sub (+ axis alignment)' },
  fill_constant: { map: fillConstant, onnx: 'initializer' },
  flatten_contiguous_range: { map: flattenContiguousRange, onnx: 'Reshape (Shape/Slice/Concat for inner ranges)' },
  hard_sigmoid: { map: hardSigmoid, onnx: 'HardSigmoid' },
  hard_swish: { map: hardSwish, onnx: 'HardSwish (opset ≥ 14) or HardSigmoid·Mul' },
  layer_norm: { map: layerNorm, onnx: 'LayerNormalization (opset ≥ 17) or ReduceMean/Sub/Mul/Sqrt/Div' },
  leaky_relu: { map: leakyRelu, onnx: 'LeakyRelu' },
  lrn: { map: lrn, onnx: 'LRN (alpha · n: Paddle does not divide alpha by n)' },
  matmul: { map: matmul, onnx: 'MatMul (+ Transpose, Mul for alpha)' },
  matmul_v2: { map: matmulV2, onnx: 'MatMul (+ Transpose)' },
  mul: { map: mul, onnx: 'Flatten + MatMul (+ Reshape)' },
  nearest_interp_v2: { map: nearestInterpV2, onnx: 'Resize (nearest)' },
  pool2d: { map: pool2d, onnx: 'MaxPool / AveragePool / GlobalMaxPool / GlobalAveragePool' },
  relu: { map: relu, onnx: 'Relu' },
  reshape: { map: reshape, onnx: 'Reshape' },
  reshape2: { map: reshape, onnx: 'Reshape (+ Cast/Concat for ShapeTensor)' },
  scale: { map: scale, onnx: 'Mul/Add, or Identity' },
  shape: { map: shape, onnx: 'Shape + Cast(int32)' },
  sigmoid: { map: sigmoid, onnx: 'Sigmoid' },
  slice: { map: slice, onnx: 'Slice (+ Squeeze for decrease_axis)' },
  softmax: { map: softmax, onnx: 'Softmax' },
  split: { map: split, onnx: 'Split' },
  squeeze2: { map: squeeze2, onnx: 'Squeeze' },
  swish: { map: swish, onnx: 'Sigmoid + Mul' },
  transpose2: { map: transpose2, onnx: 'Transpose' },
  unsqueeze2: { map: unsqueeze2, onnx: 'Unsqueeze' },
}

export function isSupportedOp(type: string): type is SupportedOp {
  return Object.hasOwn(OP_MAPPERS, type)
}
