/**
 * One table from Paddle's VarType.Type codes to ONNX element types, byte widths and the manifest's
 * dtype names. Everything that needs a dtype conversion reads it from here.
 */
import type { DType } from '../../runtime/manifest.js'

/** Paddle `VarType.Type` codes of tensor element types (framework.proto). */
export const PaddleDType = {
  BOOL: 0,
  INT16: 1,
  INT32: 2,
  INT64: 3,
  FP16: 4,
  FP32: 5,
  FP64: 6,
  UINT8: 20,
  INT8: 21,
} as const
export type PaddleDTypeCode = (typeof PaddleDType)[keyof typeof PaddleDType]

/** ONNX `TensorProto.DataType` codes. */
export const OnnxDType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const
export type OnnxDTypeCode = (typeof OnnxDType)[keyof typeof OnnxDType]

interface DTypeInfo {
  readonly name: string
  readonly onnx: OnnxDTypeCode
  readonly bytes: number
  /** The manifest's dtype when a feed or fetch may have this type. */
  readonly manifest?: DType
}

const TABLE: Readonly<Record<PaddleDTypeCode, DTypeInfo>> = {
  [PaddleDType.BOOL]: { name: 'bool', onnx: OnnxDType.BOOL, bytes: 1 },
  [PaddleDType.INT16]: { name: 'int16', onnx: OnnxDType.INT16, bytes: 2 },
  [PaddleDType.INT32]: { name: 'int32', onnx: OnnxDType.INT32, bytes: 4, manifest: 'int32' },
  [PaddleDType.INT64]: { name: 'int64', onnx: OnnxDType.INT64, bytes: 8, manifest: 'int64' },
  [PaddleDType.FP16]: { name: 'float16', onnx: OnnxDType.FLOAT16, bytes: 2 },
  [PaddleDType.FP32]: { name: 'float32', onnx: OnnxDType.FLOAT, bytes: 4, manifest: 'float32' },
  [PaddleDType.FP64]: { name: 'float64', onnx: OnnxDType.DOUBLE, bytes: 8 },
  [PaddleDType.UINT8]: { name: 'uint8', onnx: OnnxDType.UINT8, bytes: 1, manifest: 'uint8' },
  [PaddleDType.INT8]: { name: 'int8', onnx: OnnxDType.INT8, bytes: 1 },
}

export function isPaddleDType(code: number): code is PaddleDTypeCode {
  return Object.hasOwn(TABLE, code)
}

export function dtypeInfo(code: PaddleDTypeCode): DTypeInfo {
  return TABLE[code]
}
