/**
 * Reads Paddle's serialized LoDTensor layout (SPEC §6), the unit of both `.pdiparams` /
 * `__params__` (tensors back to back) and the old one-file-per-parameter format:
 * uint32 version, uint64 LoD level count (+ per level a uint64 byte size and that many bytes),
 * uint32 tensor version, int32 TensorDesc size, TensorDesc protobuf, raw little-endian data.
 */
import { elementCount } from '../../runtime/tensor.js'
import { ConversionError } from '../errors.js'
import { dtypeInfo, isPaddleDType, type PaddleDTypeCode } from './dtype.js'
import { paddleType } from './proto-schema.js'

export interface RawTensor {
  readonly dtype: PaddleDTypeCode
  readonly dims: readonly number[]
  /** The element bytes, little-endian, as stored (a view into the file buffer). */
  readonly data: Uint8Array
}

interface RawTensorDesc {
  dataType?: number
  dims?: number[]
}


/** Reads one tensor starting at `offset`; returns it and the offset just past it. */
export function readTensorAt(buffer: Uint8Array, offset: number, source: string): { tensor: RawTensor; next: number } {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  let at = offset
  const need = (bytes: number, what: string) => {
    if (at + bytes > buffer.byteLength) {
      throw new ConversionError(`${source}: truncated at byte ${at} while reading ${what} (file has ${buffer.byteLength} bytes)`)
    }
  }
  need(4 + 8, 'the tensor header')
  const version = view.getUint32(at, true)
  if (version !== 0) throw new ConversionError(`${source}: unsupported tensor version ${version} at byte ${at}`)
  at += 4
  const lodLevels = Number(view.getBigUint64(at, true))
  at += 8
  for (let level = 0; level < lodLevels; level++) {
    need(8, 'a LoD level size')
    const size = Number(view.getBigUint64(at, true))
    at += 8
    need(size, 'LoD data')
    at += size
  }
  need(8, 'the tensor description header')
  at += 4 // tensor version, always 0
  const descSize = view.getInt32(at, true)
  at += 4
  need(descSize, 'the TensorDesc')
  const descType = paddleType('VarType.TensorDesc')
  const desc = descType.toObject(descType.decode(buffer.subarray(at, at + descSize)), { longs: Number, enums: Number, arrays: true }) as RawTensorDesc
  at += descSize
  const code = desc.dataType ?? -1
  if (!isPaddleDType(code)) throw new ConversionError(`${source}: tensor at byte ${offset} has unsupported data type ${code}`)
  const dims = desc.dims ?? []
  const bytes = elementCount(dims) * dtypeInfo(code).bytes
  need(bytes, `${bytes} bytes of tensor data`)
  const data = buffer.subarray(at, at + bytes)
  return { tensor: { dtype: code, dims, data }, next: at + bytes }
}

export { elementCount }
