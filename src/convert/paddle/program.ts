/**
 * Decodes a serialized Paddle `ProgramDesc` (`inference.pdmodel` or `__model__`) with the schema
 * in framework.proto into plain typed objects.
 */
import { ConversionError } from '../errors.js'
import { isPaddleDType, type PaddleDTypeCode } from './dtype.js'
import { paddleType } from './proto-schema.js'

export type AttrValue = number | string | boolean | number[] | string[] | boolean[] | { readonly block: number }

export interface PaddleVar {
  readonly name: string
  /** VarType.Type of the variable itself (LOD_TENSOR = 7, FEED_MINIBATCH = 9, ...). */
  readonly kind: number
  readonly persistable: boolean
  /** Element type and dims for tensor variables; -1 marks a dynamic dimension. */
  readonly dtype?: PaddleDTypeCode
  readonly dims?: readonly number[]
}

export interface PaddleOp {
  readonly type: string
  /** Named input slots (`X`, `Filter`, ...) to variable names; empty slots are dropped. */
  readonly inputs: Readonly<Record<string, readonly string[]>>
  readonly outputs: Readonly<Record<string, readonly string[]>>
  readonly attrs: ReadonlyMap<string, AttrValue>
}

export interface PaddleBlock {
  readonly idx: number
  readonly vars: ReadonlyMap<string, PaddleVar>
  readonly ops: readonly PaddleOp[]
}

export interface PaddleProgram {
  readonly blocks: readonly PaddleBlock[]
  readonly version: number
}

export const VAR_KIND = { LOD_TENSOR: 7, FEED_MINIBATCH: 9, FETCH_LIST: 10 } as const

// Shapes of protobufjs' toObject() output for our schema (field names in camelCase).
interface RawAttr {
  name?: string
  type?: number
  i?: number
  f?: number
  s?: string
  ints?: number[]
  floats?: number[]
  strings?: string[]
  b?: boolean
  bools?: boolean[]
  blockIdx?: number
  l?: number
  blocksIdx?: number[]
  longs?: number[]
  float64s?: number[]
  varName?: string
  varsName?: string[]
  float64?: number
  scalar?: RawScalar
  scalars?: RawScalar[]
}
interface RawScalar {
  type?: number
  b?: boolean
  i?: number
  r?: number
}
interface RawSlot {
  parameter?: string
  arguments?: string[]
}
interface RawOp {
  type?: string
  inputs?: RawSlot[]
  outputs?: RawSlot[]
  attrs?: RawAttr[]
}
interface RawTensorDesc {
  dataType?: number
  dims?: number[]
}
interface RawVar {
  name?: string
  persistable?: boolean
  type?: { type?: number; lodTensor?: { tensor?: RawTensorDesc }; tensorArray?: { tensor?: RawTensorDesc } }
}
interface RawBlock {
  idx?: number
  vars?: RawVar[]
  ops?: RawOp[]
}
interface RawProgram {
  blocks?: RawBlock[]
  version?: { version?: number }
}

function scalarValue(scalar: RawScalar): number | boolean {
  if (scalar.type === 1) return scalar.b ?? false
  if (scalar.type === 2) return scalar.i ?? 0
  return scalar.r ?? 0
}

/** The value of an attribute by its declared AttrType (framework.proto enum). */
function attrValue(attr: RawAttr): AttrValue {
  switch (attr.type) {
    case 0: return attr.i ?? 0
    case 1: return attr.f ?? 0
    case 2: return attr.s ?? ''
    case 3: return attr.ints ?? []
    case 4: return attr.floats ?? []
    case 5: return attr.strings ?? []
    case 6: return attr.b ?? false
    case 7: return attr.bools ?? []
    case 8: return { block: attr.blockIdx ?? 0 }
    case 9: return attr.l ?? 0
    case 10: return attr.blocksIdx ?? []
    case 11: return attr.longs ?? []
    case 12: return attr.float64s ?? []
    case 13: return attr.varName ?? ''
    case 14: return attr.varsName ?? []
    case 15: return attr.float64 ?? 0
    case 16: return attr.scalar ? scalarValue(attr.scalar) : 0
    case 17: return (attr.scalars ?? []).map((s) => Number(scalarValue(s)))
    default: throw new ConversionError(`attribute ${attr.name ?? '?'} has unknown type ${attr.type}`)
  }
}

function slots(raw: RawSlot[] | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  for (const slot of raw ?? []) {
    const args = slot.arguments ?? []
    if (slot.parameter && args.length > 0) result[slot.parameter] = args
  }
  return result
}

function toVar(raw: RawVar): PaddleVar {
  const desc = raw.type?.lodTensor?.tensor ?? raw.type?.tensorArray?.tensor
  const dtype = desc?.dataType
  return {
    name: raw.name ?? '',
    kind: raw.type?.type ?? -1,
    persistable: raw.persistable ?? false,
    ...(dtype !== undefined && isPaddleDType(dtype) ? { dtype } : {}),
    ...(desc ? { dims: desc.dims ?? [] } : {}),
  }
}

function toOp(raw: RawOp): PaddleOp {
  const attrs = new Map<string, AttrValue>()
  for (const attr of raw.attrs ?? []) if (attr.name) attrs.set(attr.name, attrValue(attr))
  return { type: raw.type ?? '', inputs: slots(raw.inputs), outputs: slots(raw.outputs), attrs }
}

export function decodeProgram(bytes: Uint8Array, source: string): PaddleProgram {
  const type = paddleType('ProgramDesc')
  let raw: RawProgram
  try {
    // The schema fixes the object's structure; RawProgram mirrors it field for field.
    raw = type.toObject(type.decode(bytes), { longs: Number, enums: Number, arrays: true }) as RawProgram
  } catch (error) {
    throw new ConversionError(`${source} is not a Paddle ProgramDesc: ${(error as Error).message}`, { cause: error })
  }
  const blocks = (raw.blocks ?? []).map((block, index) => ({
    idx: block.idx ?? index,
    vars: new Map((block.vars ?? []).map((v) => [v.name ?? '', toVar(v)] as const)),
    ops: (block.ops ?? []).map(toOp),
  }))
  if (blocks.length === 0 || blocks[0]!.ops.length === 0) throw new ConversionError(`${source} holds an empty program`)
  return { blocks, version: raw.version?.version ?? 0 }
}
