/**
 * Tensor elements as little-endian bytes, row-major, no padding: the binary tensor data of the
 * KServe v2 / Triton protocol, used by the server (protocols/kserve) and by the remote-model
 * client alike. The pipeline's tensors are Float32Array; integer types are rounded on the way out.
 */
import type { DType } from './manifest.js'

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, int64: 8, int32: 4, uint8: 1 }

/** Open Inference Protocol datatype names (also Triton's, which prefixes them with TYPE_ in config.pbtxt). */
export const PROTOCOL_DATATYPES: Readonly<Record<DType, string>> = { float32: 'FP32', int64: 'INT64', int32: 'INT32', uint8: 'UINT8' }

/** The element type of a protocol datatype name, when it is one the pipeline carries. */
export function dtypeOfDatatype(datatype: string): DType | undefined {
  return (Object.keys(PROTOCOL_DATATYPES) as DType[]).find((dtype) => PROTOCOL_DATATYPES[dtype] === datatype)
}

export function toLittleEndian(data: Float32Array, dtype: DType): Uint8Array {
  // Float32 little-endian is the array's own memory on every platform Node runs on.
  if (dtype === 'float32') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const bytes = new Uint8Array(data.length * BYTES_PER_ELEMENT[dtype])
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]!)
    if (dtype === 'int32') view.setInt32(i * 4, v, true)
    else if (dtype === 'uint8') view.setUint8(i, v)
    else view.setBigInt64(i * 8, BigInt(v), true)
  }
  return bytes
}

/** `count` elements; the caller has checked `bytes` holds exactly that many. */
export function fromLittleEndian(bytes: Uint8Array, dtype: DType, count: number): Float32Array {
  // Copied into its own aligned buffer: the bytes' offset in a body need not be a multiple of 4.
  if (dtype === 'float32') return new Float32Array(new Uint8Array(bytes).buffer, 0, count)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    if (dtype === 'int32') out[i] = view.getInt32(i * 4, true)
    else if (dtype === 'uint8') out[i] = view.getUint8(i)
    else out[i] = Number(view.getBigInt64(i * 8, true))
  }
  return out
}
