/**
 * Writes Paddle model files for tests: a ProgramDesc from a GraphSpec (the same description the
 * one-op tests use) and serialized LoDTensors, so every file layout can be exercised without
 * ../shared/assets.
 */
import { paddleType } from '../../../src/convert/paddle/proto-schema.js'
import { PaddleDType, type PaddleDTypeCode } from '../../../src/convert/paddle/dtype.js'
import { VAR_KIND, type AttrValue } from '../../../src/convert/paddle/program.js'
import type { GraphSpec } from './op-graph.js'

/** framework.proto AttrType for a JavaScript attribute value. */
function attrProto(name: string, value: AttrValue): Record<string, unknown> {
  if (typeof value === 'boolean') return { name, type: 6, b: value }
  if (typeof value === 'string') return { name, type: 2, s: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: 0, i: value } : { name, type: 1, f: value }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { name, type: 5, strings: value }
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    return value.every((v) => Number.isInteger(v)) ? { name, type: 3, ints: value } : { name, type: 4, floats: value }
  }
  throw new Error(`attribute ${name}: unsupported test value`)
}

const slots = (map: Record<string, string[]>) => Object.entries(map).map(([parameter, args]) => ({ parameter, arguments: args }))

export function encodeProgram(spec: GraphSpec): Uint8Array {
  const vars = [
    { name: 'feed', type: { type: VAR_KIND.FEED_MINIBATCH }, persistable: true },
    { name: 'fetch', type: { type: VAR_KIND.FETCH_LIST }, persistable: true },
    ...Object.entries(spec.vars).map(([name, v]) => ({
      name,
      persistable: v.value !== undefined,
      type: { type: VAR_KIND.LOD_TENSOR, lodTensor: { tensor: { dataType: v.dtype ?? PaddleDType.FP32, dims: v.dims } } },
    })),
  ]
  const ops = [
    ...spec.feeds.map((name, col) => ({ type: 'feed', inputs: slots({ X: ['feed'] }), outputs: slots({ Out: [name] }), attrs: [attrProto('col', col)] })),
    ...spec.ops.map((op) => ({
      type: op.type,
      inputs: slots(op.inputs),
      outputs: slots(op.outputs),
      attrs: Object.entries(op.attrs ?? {}).map(([name, value]) => attrProto(name, value)),
    })),
    ...spec.fetches.map((name, col) => ({ type: 'fetch', inputs: slots({ X: [name] }), outputs: slots({ Out: ['fetch'] }), attrs: [attrProto('col', col)] })),
  ]
  const type = paddleType('ProgramDesc')
  return type.encode(type.fromObject({ blocks: [{ idx: 0, parentIdx: -1, vars, ops }], version: { version: 0 } })).finish()
}

/** One serialized LoDTensor (optionally with one LoD level, which readers must skip). */
export function encodeTensor(dims: readonly number[], values: readonly number[], dtype: PaddleDTypeCode = PaddleDType.FP32, lod?: readonly number[]): Uint8Array {
  const descType = paddleType('VarType.TensorDesc')
  const desc = descType.encode(descType.fromObject({ dataType: dtype, dims })).finish()
  const data = dtype === PaddleDType.INT64 ? new Uint8Array(BigInt64Array.from(values, BigInt).buffer) : new Uint8Array(Float32Array.from(values).buffer)
  const lodBytes = lod ? new Uint8Array(BigUint64Array.from(lod, BigInt).buffer) : new Uint8Array(0)
  const header = new DataView(new ArrayBuffer(4 + 8 + (lod ? 8 : 0)))
  header.setUint32(0, 0, true)
  header.setBigUint64(4, BigInt(lod ? 1 : 0), true)
  if (lod) header.setBigUint64(12, BigInt(lodBytes.byteLength), true)
  const mid = new DataView(new ArrayBuffer(8))
  mid.setUint32(0, 0, true)
  mid.setInt32(4, desc.byteLength, true)
  return Buffer.concat([new Uint8Array(header.buffer), lodBytes, new Uint8Array(mid.buffer), desc, data])
}

/** The combined layout: tensors back to back in sorted-name order. */
export function encodeCombined(tensors: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return Buffer.concat([...tensors.keys()].sort().map((name) => tensors.get(name)!))
}
