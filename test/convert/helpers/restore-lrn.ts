/**
 * Test-only ONNX surgery: puts BVLC GoogLeNet's two LRN layers (size 5, alpha 1e-4, beta 0.75)
 * back after the named tensors. The mirrored googlenet_v1 graph had them removed, which the
 * trained weights never saw; restoring them shows the conversion itself is faithful.
 */
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

export function insertLrnAfter(modelBytes: Uint8Array, tensors: readonly string[]): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes)
  const nodes = model.graph?.node ?? []
  for (const tensor of tensors) {
    const at = nodes.findIndex((node) => node.output?.includes(tensor))
    if (at < 0) throw new Error(`no node produces ${tensor}`)
    const normalized = `${tensor}__lrn`
    for (const node of nodes) node.input = (node.input ?? []).map((name) => (name === tensor ? normalized : name))
    const { AttributeType } = onnx.AttributeProto
    nodes.splice(at + 1, 0, onnx.NodeProto.create({
      opType: 'LRN',
      input: [tensor],
      output: [normalized],
      attribute: [
        { name: 'size', type: AttributeType.INT, i: 5 },
        { name: 'alpha', type: AttributeType.FLOAT, f: 1e-4 },
        { name: 'beta', type: AttributeType.FLOAT, f: 0.75 },
        { name: 'bias', type: AttributeType.FLOAT, f: 1 },
      ],
    }))
  }
  return onnx.ModelProto.encode(model).finish()
}
