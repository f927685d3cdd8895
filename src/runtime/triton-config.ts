/**
 * Triton's model configuration (config.pbtxt, ModelConfig in protobuf text format) for an ONNX
 * model package, from its signature (triton-inference-server/server
 * docs/user_guide/model_configuration.md): with a dynamic batch axis 0 on every input and output,
 * `max_batch_size` > 0 and dims without the batch axis (Triton forms [-1] + dims); otherwise
 * `max_batch_size: 0` and the full shapes.
 */
import { hasDynamicBatch, type ModelSignature, type TensorSignature } from './model-signature.js'
import { PROTOCOL_DATATYPES } from './tensor-bytes.js'

export interface TritonTensorConfig {
  readonly name: string
  /** TYPE_FP32, TYPE_INT64, ... */
  readonly data_type: string
  readonly dims: readonly number[]
}

export interface TritonModelConfig {
  readonly name: string
  readonly platform: 'onnxruntime_onnx'
  readonly max_batch_size: number
  readonly input: readonly TritonTensorConfig[]
  readonly output: readonly TritonTensorConfig[]
  /** Present when batching: Triton's dynamic batcher, waiting at most this long for a batch to fill. */
  readonly dynamic_batching?: { readonly max_queue_delay_microseconds: number }
}

export interface TritonBatching {
  /** max_batch_size for a model with a dynamic batch axis (ppserve's batch_size). */
  readonly maxBatchSize: number
  /** ppserve's batch_timeout_ms, as the dynamic batcher's max queue delay. */
  readonly batchTimeoutMs: number
}

export function tritonConfigOf(name: string, signature: ModelSignature, batching: TritonBatching): TritonModelConfig {
  const batched = hasDynamicBatch(signature)
  const tensor = (t: TensorSignature): TritonTensorConfig => ({
    name: t.name,
    data_type: `TYPE_${PROTOCOL_DATATYPES[t.dtype]}`,
    dims: batched ? t.shape.slice(1) : [...t.shape],
  })
  return {
    name,
    platform: 'onnxruntime_onnx',
    max_batch_size: batched ? batching.maxBatchSize : 0,
    input: signature.inputs.map(tensor),
    output: signature.outputs.map(tensor),
    ...(batched ? { dynamic_batching: { max_queue_delay_microseconds: Math.round(batching.batchTimeoutMs * 1000) } } : {}),
  }
}

const quoted = (text: string) => JSON.stringify(text)

function tensorBlock(kind: 'input' | 'output', tensors: readonly TritonTensorConfig[]): string {
  const entries = tensors.map((t) => `  {\n    name: ${quoted(t.name)}\n    data_type: ${t.data_type}\n    dims: [ ${t.dims.join(', ')} ]\n  }`)
  return `${kind} [\n${entries.join(',\n')}\n]`
}

/** The config in protobuf text format, as Triton reads config.pbtxt. */
export function toPbtxt(config: TritonModelConfig): string {
  const lines = [
    `name: ${quoted(config.name)}`,
    `platform: ${quoted(config.platform)}`,
    `max_batch_size: ${config.max_batch_size}`,
    tensorBlock('input', config.input),
    tensorBlock('output', config.output),
  ]
  if (config.dynamic_batching) lines.push(`dynamic_batching {\n  max_queue_delay_microseconds: ${config.dynamic_batching.max_queue_delay_microseconds}\n}`)
  return `${lines.join('\n')}\n`
}
