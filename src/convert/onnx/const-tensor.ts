/**
 * Constant tensors as the converter holds them before they become ONNX initializers: an ONNX
 * element type, dims and little-endian raw bytes (the layout of both Paddle files and ONNX raw_data).
 */
import { ConversionError } from '../errors.js'
import { OnnxDType, type OnnxDTypeCode } from '../paddle/dtype.js'

export interface ConstTensor {
  readonly dtype: OnnxDTypeCode
  readonly dims: readonly number[]
  readonly raw: Uint8Array
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

export function floatTensor(values: ArrayLike<number>, dims: readonly number[] = [values.length]): ConstTensor {
  return { dtype: OnnxDType.FLOAT, dims, raw: bytesOf(Float32Array.from(values)) }
}

export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): ConstTensor {
  return { dtype: OnnxDType.INT64, dims, raw: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))) }
}

export function int32Tensor(values: readonly number[], dims: readonly number[] = [values.length]): ConstTensor {
  return { dtype: OnnxDType.INT32, dims, raw: bytesOf(Int32Array.from(values)) }
}

/** A tensor of `dtype` filled with numbers (fill_constant, scalars for arithmetic on any dtype). */
export function numericTensor(dtype: OnnxDTypeCode, values: readonly number[], dims: readonly number[]): ConstTensor {
  switch (dtype) {
    case OnnxDType.FLOAT: return floatTensor(values, dims)
    case OnnxDType.DOUBLE: return { dtype, dims, raw: bytesOf(Float64Array.from(values)) }
    case OnnxDType.INT64: return int64Tensor(values, dims)
    case OnnxDType.INT32: return int32Tensor(values, dims)
    case OnnxDType.INT16: return { dtype, dims, raw: bytesOf(Int16Array.from(values)) }
    case OnnxDType.INT8: return { dtype, dims, raw: bytesOf(Int8Array.from(values)) }
    case OnnxDType.UINT8:
    case OnnxDType.BOOL: return { dtype, dims, raw: Uint8Array.from(values, (v) => (dtype === OnnxDType.BOOL ? Number(v !== 0) : v)) }
    case OnnxDType.FLOAT16: throw new ConversionError('float16 constants are not supported')
  }
}

/** Values of a small int32/int64 constant (shapes, axes), for mappers that fold them. */
export function integerValues(tensor: ConstTensor): number[] | undefined {
  // A copy: raw may view a larger (file) buffer, and Buffer#slice would not copy.
  const copy = new Uint8Array(tensor.raw)
  if (tensor.dtype === OnnxDType.INT64) return Array.from(new BigInt64Array(copy.buffer), Number)
  if (tensor.dtype === OnnxDType.INT32) return Array.from(new Int32Array(copy.buffer))
  return undefined
}
