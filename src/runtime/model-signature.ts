/**
 * A loaded model's tensors as a serving protocol describes them: the manifest's feeds and fetches
 * (real tensor names, the contract) with the shapes manifest and model agree on, and the element
 * types (named for the protocols by tensor-bytes.ts PROTOCOL_DATATYPES).
 */
import type { DType } from './manifest.js'
import { narrowShape, type ManifestTensors, type ModelTensors } from './model-contract.js'

export interface TensorSignature {
  readonly name: string
  readonly dtype: DType
  /** -1 marks a dynamic size; axis 0 is the batch axis. */
  readonly shape: readonly number[]
}

export interface ModelSignature {
  readonly inputs: readonly TensorSignature[]
  readonly outputs: readonly TensorSignature[]
}


/** Assumes the contract holds (Model.attach checked it, or contractMismatches found nothing). */
export function signatureOf(manifest: ManifestTensors, model: ModelTensors): ModelSignature {
  const narrow = (declared: ModelTensors['inputs']) => (spec: ManifestTensors['feeds'][number]): TensorSignature => ({
    name: spec.name,
    dtype: spec.dtype,
    shape: narrowShape(spec.shape, declared.find((info) => info.name === spec.name)?.shape),
  })
  return { inputs: manifest.feeds.map(narrow(model.inputs)), outputs: manifest.fetches.map(narrow(model.outputs)) }
}

/**
 * Whether requests can be split and batched along axis 0: every input and output has a dynamic
 * axis 0 (Triton's condition for max_batch_size > 0). A fixed axis 0 (a batch-1 export) is not.
 */
export function hasDynamicBatch(signature: ModelSignature): boolean {
  return [...signature.inputs, ...signature.outputs].every((tensor) => tensor.shape[0] === -1)
}
