/**
 * Builds one-op Paddle programs in memory and runs their conversion through onnxruntime, so each
 * mapper is checked against hand-computed tensors without any model file.
 */
import ort from 'onnxruntime-node'
import { convertProgram } from '../../../src/convert/convert-program.js'
import { PaddleDType, type PaddleDTypeCode } from '../../../src/convert/paddle/dtype.js'
import type { ParamSource } from '../../../src/convert/paddle/param-source.js'
import { VAR_KIND, type AttrValue, type PaddleOp, type PaddleProgram, type PaddleVar } from '../../../src/convert/paddle/program.js'

export interface VarSpec {
  dims: number[]
  dtype?: PaddleDTypeCode
  /** A parameter: its values (float32 unless dtype says otherwise). */
  value?: number[]
}

export interface OpSpec {
  type: string
  inputs: Record<string, string[]>
  outputs: Record<string, string[]>
  attrs?: Record<string, AttrValue>
}

export interface GraphSpec {
  vars: Record<string, VarSpec>
  ops: OpSpec[]
  feeds: string[]
  fetches: string[]
}

function typedBytes(dtype: PaddleDTypeCode, values: number[]): Uint8Array {
  const view = dtype === PaddleDType.INT64 ? BigInt64Array.from(values, BigInt) : dtype === PaddleDType.INT32 ? Int32Array.from(values) : Float32Array.from(values)
  return new Uint8Array(view.buffer)
}

export function buildProgram(spec: GraphSpec): { program: PaddleProgram; params: ParamSource } {
  const vars = new Map<string, PaddleVar>()
  for (const [name, v] of Object.entries(spec.vars)) {
    vars.set(name, { name, kind: VAR_KIND.LOD_TENSOR, persistable: v.value !== undefined, dtype: v.dtype ?? PaddleDType.FP32, dims: v.dims })
  }
  const io = (type: 'feed' | 'fetch', name: string, col: number): PaddleOp => ({
    type,
    inputs: type === 'feed' ? { X: ['feed'] } : { X: [name] },
    outputs: type === 'feed' ? { Out: [name] } : { Out: ['fetch'] },
    attrs: new Map([['col', col]]),
  })
  const ops: PaddleOp[] = [
    ...spec.feeds.map((name, i) => io('feed', name, i)),
    ...spec.ops.map((op) => ({ type: op.type, inputs: op.inputs, outputs: op.outputs, attrs: new Map(Object.entries(op.attrs ?? {})) })),
    ...spec.fetches.map((name, i) => io('fetch', name, i)),
  ]
  const params: ParamSource = {
    description: 'test values',
    get(variable) {
      const v = spec.vars[variable.name]
      if (!v?.value) throw new Error(`no value for ${variable.name}`)
      const dtype = v.dtype ?? PaddleDType.FP32
      return { dtype, dims: v.dims, data: typedBytes(dtype, v.value) }
    },
  }
  return { program: { blocks: [{ idx: 0, vars, ops }], version: 0 }, params }
}

export type Feed = { dims: number[]; data: number[]; dtype?: 'float32' | 'int64' | 'int32' }

/** Converts the graph and runs it; returns each fetch as dims + plain numbers. */
export async function runGraph(spec: GraphSpec, feeds: Record<string, Feed>, opset = 13): Promise<Record<string, { dims: number[]; data: number[] }>> {
  const { program, params } = buildProgram(spec)
  const converted = convertProgram(program, params, { opset })
  const session = await ort.InferenceSession.create(converted.onnx, { logSeverityLevel: 3 })
  const ortFeeds: Record<string, ort.Tensor> = {}
  for (const [name, feed] of Object.entries(feeds)) {
    const type = feed.dtype ?? 'float32'
    const data = type === 'int64' ? BigInt64Array.from(feed.data, BigInt) : type === 'int32' ? Int32Array.from(feed.data) : Float32Array.from(feed.data)
    ortFeeds[name] = new ort.Tensor(type, data, feed.dims)
  }
  const outputs = await session.run(ortFeeds)
  await session.release()
  const result: Record<string, { dims: number[]; data: number[] }> = {}
  for (const [i, fetch] of spec.fetches.entries()) {
    const value = outputs[converted.fetches[i]!.name]!
    result[fetch] = { dims: [...value.dims], data: Array.from(value.data as ArrayLike<number | bigint>, Number) }
  }
  return result
}

/** A one-op graph: X (fed) → op → Out (fetched), plus optional parameters. */
export async function runOp(
  op: OpSpec,
  vars: Record<string, VarSpec>,
  feeds: Record<string, Feed>,
  opset = 13,
): Promise<Record<string, { dims: number[]; data: number[] }>> {
  const fetches = Object.values(op.outputs).flat().filter((name) => vars[name] !== undefined && vars[name]!.value === undefined)
  return runGraph({ vars, ops: [op], feeds: Object.keys(feeds), fetches }, feeds, opset)
}

export function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}: ${JSON.stringify(actual)}`)
  actual.forEach((value, i) => {
    if (!(Math.abs(value - expected[i]!) <= tolerance)) {
      throw new Error(`element ${i}: ${value} ≠ ${expected[i]} (±${tolerance})\nactual:   ${JSON.stringify(actual)}\nexpected: ${JSON.stringify(expected)}`)
    }
  })
}
