/** `GET /v2/models/{m}`: the model's inputs and outputs as the manifest declares them (the contract). */
import type { Model } from '../../../runtime/model.js'
import type { TensorSignature } from '../../../runtime/model-signature.js'
import { PROTOCOL_DATATYPES } from '../../../runtime/tensor-bytes.js'

const tensor = (t: TensorSignature) => ({ name: t.name, datatype: PROTOCOL_DATATYPES[t.dtype], shape: t.shape })

export function modelMetadata(model: Model, version: string) {
  const { inputs, outputs } = model.signature
  return { name: model.name, versions: [version], platform: 'onnxruntime_onnx', inputs: inputs.map(tensor), outputs: outputs.map(tensor) }
}
