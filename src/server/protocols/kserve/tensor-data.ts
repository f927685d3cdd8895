/**
 * Tensor data in the Open Inference Protocol's two encodings, to and from the runtime's
 * Float32Array: JSON `data` (flat or nested row-major arrays of numbers) and the binary tensor
 * extension (little-endian, row-major, no padding). Integer types are checked to be integers in
 * range, so a wrong value is a 400, not a silently rounded input.
 */
import { InvalidInput } from '../../../engine/errors.js'
import type { DType } from '../../../runtime/manifest.js'
import { BYTES_PER_ELEMENT, fromLittleEndian } from '../../../runtime/tensor-bytes.js'
import { quoteValue } from '../../../util/quote.js'

const INTEGER_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 255],
}

function checkValue(value: unknown, dtype: DType, what: string): number {
  if (typeof value !== 'number') throw new InvalidInput(`${what}: data holds ${quoteValue(value)}, expected numbers`)
  const range = INTEGER_RANGE[dtype]
  if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    throw new InvalidInput(`${what}: ${value} is not a ${dtype} value (integers ${range[0]}..${range[1]})`)
  }
  return value
}

/** JSON `data`, flat or nested, as `count` values; `what` names the tensor in errors. */
export function fromJsonData(data: unknown, dtype: DType, count: number, what: string): Float32Array {
  if (!Array.isArray(data)) throw new InvalidInput(`${what}: "data" must be an array (flat or nested, row-major)`)
  const flat = (data as unknown[]).flat(Infinity)
  if (flat.length !== count) throw new InvalidInput(`${what}: data has ${flat.length} values, its shape needs ${count}`)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) out[i] = checkValue(flat[i], dtype, what)
  return out
}

/** Values for a JSON response: plain numbers (integers for integer types). */
export function toJsonData(data: Float32Array, dtype: DType): number[] {
  return dtype === 'float32' ? Array.from(data) : Array.from(data, Math.round)
}

/** Binary tensor data (little-endian) of `count` elements. */
export function fromBinary(bytes: Uint8Array, dtype: DType, count: number, what: string): Float32Array {
  const size = BYTES_PER_ELEMENT[dtype]
  if (bytes.length !== count * size) {
    throw new InvalidInput(`${what}: binary_data_size is ${bytes.length} bytes, its shape and datatype need ${count * size}`)
  }
  const out = fromLittleEndian(bytes, dtype, count)
  // int64 beyond 2^53 cannot be a Float32 value anyone meant; int32 and uint8 are in range by size.
  if (dtype === 'int64') for (const value of out) checkValue(value, dtype, what)
  return out
}
