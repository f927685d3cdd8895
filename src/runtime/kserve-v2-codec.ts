/**
 * KServe v2 (Open Inference Protocol) REST bodies ↔ runtime tensors, for the remote session:
 * model metadata → TensorInfo, feeds → an infer request, an infer response → tensors. Two data
 * encodings: JSON `data` arrays (every server), and the binary tensor extension (Triton, ppserve)
 * where JSON would cost ~0.5 s per megapixel each way.
 */
import { InferenceError } from '../engine/errors.js'
import type { TensorInfo } from './session.js'
import { BYTES_PER_ELEMENT, dtypeOfDatatype, fromLittleEndian, toLittleEndian } from './tensor-bytes.js'
import { elementCount, type Tensor } from './tensor.js'

const DTYPE_BY_DATATYPE: Readonly<Record<string, string>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
}
const DATATYPE_BY_DTYPE = new Map(Object.entries(DTYPE_BY_DATATYPE).map(([datatype, dtype]) => [dtype, datatype]))

/** onnxruntime's element type name for a KServe datatype (FP32 → float32); unknown ones lower-cased. */
export function dtypeOf(datatype: string): string {
  return DTYPE_BY_DATATYPE[datatype] ?? datatype.toLowerCase()
}

export function datatypeOf(dtype: string): string {
  return DATATYPE_BY_DTYPE.get(dtype) ?? dtype.toUpperCase()
}

function fail(what: string, problem: string): never {
  throw new InferenceError(`${what}: ${problem}`)
}

function tensorInfos(value: unknown, field: string, what: string): TensorInfo[] {
  if (!Array.isArray(value)) fail(what, `metadata has no "${field}" list`)
  return value.map((entry: { name?: unknown; datatype?: unknown; shape?: unknown }) => {
    if (typeof entry?.name !== 'string' || typeof entry.datatype !== 'string') fail(what, `metadata ${field} entry ${JSON.stringify(entry)} needs name and datatype`)
    const shape = Array.isArray(entry.shape) ? entry.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) : undefined
    return { name: entry.name, dtype: dtypeOf(entry.datatype), shape }
  })
}

/** `GET /v2/models/{name}` → the model's inputs and outputs (-1 marks a dynamic dimension). */
export function modelTensorsOf(metadata: unknown, what: string): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const body = metadata as { inputs?: unknown; outputs?: unknown } | null
  return { inputs: tensorInfos(body?.inputs, 'inputs', what), outputs: tensorInfos(body?.outputs, 'outputs', what) }
}

export interface EncodedRequest {
  readonly body: Uint8Array | string
  readonly headers: Record<string, string>
}

/**
 * The infer request for `feeds`, each sent as its input's declared datatype (integers rounded).
 * Binary: the JSON header, then each input's bytes in order, and binary outputs are asked for.
 */
export function encodeInferRequest(feeds: Readonly<Record<string, Tensor>>, inputs: readonly TensorInfo[], outputs: readonly TensorInfo[], binary: boolean): EncodedRequest {
  const datatypes = new Map(inputs.map((input) => [input.name, datatypeOf(input.dtype)]))
  const entries = Object.entries(feeds).map(([name, tensor]) => ({ name, tensor, datatype: datatypes.get(name) ?? 'FP32' }))
  for (const { name, datatype } of entries) if (!dtypeOfDatatype(datatype)) fail(`input ${name}`, `datatype ${datatype} is not supported`)
  if (!binary) {
    const json = {
      inputs: entries.map(({ name, tensor, datatype }) => ({
        name,
        shape: tensor.dims,
        datatype,
        data: datatype === 'FP32' ? Array.from(tensor.data) : Array.from(tensor.data, Math.round),
      })),
    }
    return { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }
  }
  const chunks = entries.map(({ tensor, datatype }) => toLittleEndian(tensor.data, dtypeOfDatatype(datatype)!))
  const header = new TextEncoder().encode(
    JSON.stringify({
      inputs: entries.map(({ name, tensor, datatype }, i) => ({ name, shape: tensor.dims, datatype, parameters: { binary_data_size: chunks[i]!.length } })),
      outputs: outputs.map((output) => ({ name: output.name, parameters: { binary_data: true } })),
    }),
  )
  const body = Buffer.concat([header, ...chunks])
  return { body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) } }
}

interface ResponseOutput {
  name?: unknown
  shape?: unknown
  datatype?: unknown
  data?: unknown
  parameters?: { binary_data_size?: unknown }
}

/**
 * An infer response (JSON, or JSON header + binary outputs when `headerLength` is given) as
 * tensors by output name.
 */
export function decodeInferResponse(body: Uint8Array, headerLength: number | undefined, what: string): Record<string, Tensor> {
  const jsonEnd = headerLength ?? body.length
  if (!(jsonEnd >= 0 && jsonEnd <= body.length)) fail(what, `inference-header-content-length ${headerLength} exceeds the body (${body.length} bytes)`)
  let parsed: { outputs?: unknown }
  try {
    parsed = JSON.parse(new TextDecoder().decode(body.subarray(0, jsonEnd)))
  } catch (error) {
    fail(what, `response is not JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(parsed?.outputs)) fail(what, 'response has no "outputs" list')
  let offset = jsonEnd
  const tensors: Record<string, Tensor> = {}
  for (const output of parsed.outputs as ResponseOutput[]) {
    const name = typeof output.name === 'string' ? output.name : fail(what, 'an output has no name')
    const label = `${what}, output ${name}`
    const dims = Array.isArray(output.shape) && output.shape.every((d) => Number.isInteger(d) && d >= 0) ? (output.shape as number[]) : fail(label, `bad shape ${JSON.stringify(output.shape)}`)
    const datatype = String(output.datatype)
    const dtype = dtypeOfDatatype(datatype) ?? fail(label, `datatype ${datatype} is not supported`)
    const count = elementCount(dims)
    const size = output.parameters?.binary_data_size
    let data: Float32Array
    if (typeof size === 'number') {
      if (size !== count * BYTES_PER_ELEMENT[dtype] || offset + size > body.length) fail(label, `binary_data_size ${size} does not fit its shape or the body`)
      data = fromLittleEndian(body.subarray(offset, offset + size), dtype, count)
      offset += size
    } else {
      const values = Array.isArray(output.data) ? (output.data as unknown[]).flat(Infinity) : fail(label, 'has no data')
      if (values.length !== count) fail(label, `data has ${values.length} values, shape [${dims.join(', ')}] needs ${count}`)
      data = Float32Array.from(values as number[])
    }
    tensors[name] = { data, dims }
  }
  return tensors
}
