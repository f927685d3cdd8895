/**
 * A fitted whitening as bytes, for a gallery index to store beside its vectors and apply to
 * every query: little-endian `PPWH`, format version, segment count, then per segment its input
 * and output sizes (uint32), then per segment the mean and the projection (float32).
 */
import type { Whitening, WhiteningSegment } from './whitening.js'

const MAGIC = 0x48575050 // "PPWH" read as a little-endian uint32
const VERSION = 1

export function encodeWhitening(whitening: Whitening): Uint8Array {
  const { segments } = whitening
  const header = 12 + 8 * segments.length
  const floats = segments.reduce((n, s) => n + s.mean.length + s.projection.length, 0)
  const bytes = new Uint8Array(header + 4 * floats)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, VERSION, true)
  view.setUint32(8, segments.length, true)
  segments.forEach((s, i) => {
    view.setUint32(12 + 8 * i, s.inputDim, true)
    view.setUint32(16 + 8 * i, s.outputDim, true)
  })
  let offset = header
  for (const s of segments) {
    for (const values of [s.mean, s.projection]) {
      for (let i = 0; i < values.length; i++, offset += 4) view.setFloat32(offset, values[i]!, true)
    }
  }
  return bytes
}

export function decodeWhitening(bytes: Uint8Array): Whitening {
  const fail = (why: string): never => {
    throw new RangeError(`not a whitening file: ${why}`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) fail('bad magic')
  if (view.getUint32(4, true) !== VERSION) fail(`version ${view.getUint32(4, true)}, this build reads ${VERSION}`)
  const count = view.getUint32(8, true)
  if (count < 1 || 12 + 8 * count > bytes.byteLength) fail(`bad segment count ${count}`)
  let offset = 12 + 8 * count
  const readFloats = (length: number): Float32Array => {
    if (offset + 4 * length > bytes.byteLength) fail(`truncated at byte ${offset}`)
    const out = new Float32Array(length)
    for (let i = 0; i < length; i++, offset += 4) out[i] = view.getFloat32(offset, true)
    return out
  }
  const segments: WhiteningSegment[] = []
  for (let i = 0; i < count; i++) {
    const inputDim = view.getUint32(12 + 8 * i, true)
    const outputDim = view.getUint32(16 + 8 * i, true)
    if (inputDim < 1 || outputDim < 1 || outputDim > inputDim) fail(`segment ${i} maps ${inputDim} to ${outputDim} dims`)
    segments.push({ inputDim, outputDim, mean: readFloats(inputDim), projection: readFloats(inputDim * outputDim) })
  }
  if (offset !== bytes.byteLength) fail(`${bytes.byteLength - offset} trailing bytes`)
  return {
    inputDim: segments.reduce((n, s) => n + s.inputDim, 0),
    outputDim: segments.reduce((n, s) => n + s.outputDim, 0),
    segments,
  }
}
