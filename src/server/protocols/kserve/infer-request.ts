/**
 * An Open Inference Protocol inference request as it arrives: a JSON object, optionally followed
 * by binary tensor data (binary tensor data extension: the JSON's length is in the
 * Inference-Header-Content-Length header, each binary input says its byte size in
 * `parameters.binary_data_size`), optionally gzip/deflate-compressed like tritonclient sends it.
 * It is checked here against the model's signature (names, datatypes, shapes), so a wrong request
 * is a 400 that says what the model expects, before any engine work.
 */
import { gunzipSync, inflateSync } from 'node:zlib'
import { z } from 'zod'
import { InvalidInput, PayloadTooLarge } from '../../../engine/errors.js'
import type { ModelSignature, TensorSignature } from '../../../runtime/model-signature.js'
import { PROTOCOL_DATATYPES } from '../../../runtime/tensor-bytes.js'
import { elementCount } from '../../../runtime/tensor.js'
import { clipText, quoteValue } from '../../../util/quote.js'
import { checkJsonDepth } from '../../input-limits.js'
import { fromBinary, fromJsonData } from './tensor-data.js'

const Parameters = z.record(z.string(), z.unknown()).optional()

export const InferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: Parameters,
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().nonnegative()),
        datatype: z.string(),
        parameters: Parameters,
        data: z.unknown().optional(),
      }),
    )
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters: Parameters })).optional(),
})

export type InferRequestJson = z.infer<typeof InferRequestSchema>

export interface InferBody {
  readonly request: InferRequestJson
  /** The binary tensor data after the JSON (empty without the extension). */
  readonly binary: Uint8Array
}

export interface InputTensor {
  readonly signature: TensorSignature
  readonly dims: readonly number[]
  readonly data: Float32Array
}

export interface RequestedOutput {
  readonly signature: TensorSignature
  /** Send this output as binary data after the JSON. */
  readonly binary: boolean
}

function decompress(bytes: Uint8Array, encoding: string | undefined, maxBytes: number): Uint8Array {
  const kind = encoding?.trim().toLowerCase()
  if (!kind || kind === 'identity') return bytes
  if (kind !== 'gzip' && kind !== 'deflate') throw new InvalidInput(`Content-Encoding ${clipText(encoding!)} is not supported (gzip, deflate)`)
  try {
    return (kind === 'gzip' ? gunzipSync : inflateSync)(bytes, { maxOutputLength: maxBytes })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLarge(`the decompressed request is larger than limits.max_body_bytes (${maxBytes} bytes)`)
    throw new InvalidInput(`the request body is not valid ${kind} data: ${(error as Error).message}`)
  }
}

/** Splits and parses the body; `headerLength` is the Inference-Header-Content-Length header. */
export function parseInferBody(raw: Uint8Array, headerLength: string | undefined, encoding: string | undefined, maxBytes: number): InferBody {
  const bytes = decompress(raw, encoding, maxBytes)
  let jsonLength = bytes.length
  if (headerLength !== undefined) {
    jsonLength = Number(headerLength)
    if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > bytes.length) {
      throw new InvalidInput(`Inference-Header-Content-Length ${quoteValue(headerLength)} must be an integer from 0 to the body's ${bytes.length} bytes`)
    }
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonLength)))
  } catch (error) {
    throw new InvalidInput(`the inference request is not valid JSON: ${(error as Error).message}`)
  }
  checkJsonDepth(json, 'the inference request')
  const parsed = InferRequestSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidInput(`invalid inference request at ${clipText(issue.path.join('.')) || '(root)'}: ${issue.message}`)
  }
  return { request: parsed.data, binary: bytes.subarray(jsonLength) }
}

const formatShape = (shape: readonly number[]) => `[${shape.join(', ')}]`

function checkShape(name: string, shape: readonly number[], expected: readonly number[]): void {
  const fits = shape.length === expected.length && expected.every((size, axis) => size < 0 || size === shape[axis])
  if (!fits) throw new InvalidInput(`input "${name}": shape ${clipText(formatShape(shape))} does not fit the model's ${formatShape(expected)} (-1 = any size)`)
}

/**
 * Every input of the signature, decoded and checked: known name, given once, its datatype, a
 * shape that fits (same rank, fixed sizes equal), as many values as the shape needs, and one
 * batch size (axis 0) across inputs.
 */
export function decodeInputs(body: InferBody, signature: ModelSignature, model: string): InputTensor[] {
  const known = signature.inputs.map((s) => s.name).join(', ')
  const given = new Map<string, InputTensor>()
  let offset = 0
  for (const input of body.request.inputs) {
    const spec = signature.inputs.find((s) => s.name === input.name)
    if (!spec) throw new InvalidInput(`model ${model} has no input ${quoteValue(input.name)} (inputs: ${known})`)
    if (given.has(input.name)) throw new InvalidInput(`input "${input.name}" is given twice`)
    const expected = PROTOCOL_DATATYPES[spec.dtype]
    if (input.datatype !== expected) throw new InvalidInput(`input "${input.name}": datatype ${clipText(input.datatype)}, the model takes ${expected}`)
    checkShape(input.name, input.shape, spec.shape)
    const count = elementCount(input.shape)
    const what = `input "${input.name}"`
    const size = input.parameters?.binary_data_size
    let data: Float32Array
    if (size !== undefined) {
      if (!Number.isInteger(size) || (size as number) < 0 || offset + (size as number) > body.binary.length) {
        throw new InvalidInput(`${what}: binary_data_size ${quoteValue(size)} goes past the ${body.binary.length} bytes of binary data`)
      }
      data = fromBinary(body.binary.subarray(offset, offset + (size as number)), spec.dtype, count, what)
      offset += size as number
    } else {
      if (input.data === undefined) throw new InvalidInput(`${what} has neither "data" nor parameters.binary_data_size`)
      data = fromJsonData(input.data, spec.dtype, count, what)
    }
    given.set(input.name, { signature: spec, dims: input.shape, data })
  }
  if (offset !== body.binary.length) throw new InvalidInput(`${body.binary.length - offset} bytes of binary data after the JSON belong to no input`)
  const missing = signature.inputs.filter((s) => !given.has(s.name)).map((s) => s.name)
  if (missing.length > 0) throw new InvalidInput(`missing input(s) ${missing.join(', ')} (model ${model} takes ${known})`)
  const tensors = signature.inputs.map((s) => given.get(s.name)!)
  const batches = new Set(tensors.map((t) => t.dims[0]))
  if (batches.size > 1) throw new InvalidInput(`inputs disagree on the batch size (axis 0): ${tensors.map((t) => `${t.signature.name} ${t.dims[0]}`).join(', ')}`)
  if (tensors[0]!.dims[0] === 0) throw new InvalidInput('the batch (axis 0) is empty')
  return tensors
}

/** The outputs to return: those the request names (known names only), else every output. */
export function requestedOutputs(request: InferRequestJson, signature: ModelSignature, model: string): RequestedOutput[] {
  const allBinary = request.parameters?.binary_data_output === true
  if (!request.outputs || request.outputs.length === 0) return signature.outputs.map((s) => ({ signature: s, binary: allBinary }))
  return request.outputs.map((output) => {
    const spec = signature.outputs.find((s) => s.name === output.name)
    if (!spec) throw new InvalidInput(`model ${model} has no output ${quoteValue(output.name)} (outputs: ${signature.outputs.map((s) => s.name).join(', ')})`)
    if (output.parameters?.classification !== undefined) throw new InvalidInput('the classification extension is not supported; request the output tensor itself')
    const binary = output.parameters?.binary_data
    return { signature: spec, binary: typeof binary === 'boolean' ? binary : allBinary }
  })
}
