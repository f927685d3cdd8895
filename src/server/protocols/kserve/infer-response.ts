/**
 * The inference response: `{model_name, model_version, id?, outputs: [{name, datatype, shape,
 * data}]}`, or — when the request asked for binary outputs (binary tensor data extension) — each
 * such output's bytes after the JSON, announced by `parameters.binary_data_size` and the
 * Inference-Header-Content-Length header.
 */
import { PROTOCOL_DATATYPES, toLittleEndian } from '../../../runtime/tensor-bytes.js'
import type { Tensor } from '../../../runtime/tensor.js'
import type { RequestedOutput } from './infer-request.js'
import { toJsonData } from './tensor-data.js'

export interface InferAnswer {
  readonly model: string
  readonly version: string
  readonly id: string | undefined
  readonly outputs: readonly RequestedOutput[]
  /** The model's outputs by real name. */
  readonly tensors: Readonly<Record<string, Tensor>>
}

export function inferResponse(answer: InferAnswer, headers: Record<string, string>): Response {
  const chunks: Uint8Array[] = []
  const outputs = answer.outputs.map(({ signature, binary }) => {
    const tensor = answer.tensors[signature.name]!
    const entry = { name: signature.name, datatype: PROTOCOL_DATATYPES[signature.dtype], shape: tensor.dims }
    if (!binary) return { ...entry, data: toJsonData(tensor.data, signature.dtype) }
    const bytes = toLittleEndian(tensor.data, signature.dtype)
    chunks.push(bytes)
    return { ...entry, parameters: { binary_data_size: bytes.length } }
  })
  const json = JSON.stringify({ model_name: answer.model, model_version: answer.version, ...(answer.id !== undefined ? { id: answer.id } : {}), outputs })
  if (chunks.length === 0) return new Response(json, { headers: { ...headers, 'content-type': 'application/json' } })
  const header = Buffer.from(json)
  return new Response(Buffer.concat([header, ...chunks]), {
    headers: { ...headers, 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  })
}
