/**
 * Serializes a GraphBuilder into an ONNX ModelProto with `onnx-proto` (the ONNX protobuf schema
 * compiled for JavaScript). IR version 8 is the newest that schema (ONNX 1.10) describes;
 * onnxruntime 1.30 reads IR 3 to 11, and IR 8 covers opsets up to 18.
 */
import onnxProto from 'onnx-proto'
import type { ConstTensor } from './const-tensor.js'
import type { GraphBuilder, OnnxAttr, ValueSpec } from './graph-builder.js'

const { onnx } = onnxProto
export const IR_VERSION = 8
export const MIN_OPSET = 13
export const MAX_OPSET = 18
const utf8 = new TextEncoder()

function tensorProto(name: string, tensor: ConstTensor): onnxProto.onnx.ITensorProto {
  return { name, dataType: tensor.dtype, dims: [...tensor.dims], rawData: tensor.raw }
}

function attributeProto(name: string, attr: OnnxAttr): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto
  if ('i' in attr) return { name, type: AttributeType.INT, i: attr.i }
  if ('f' in attr) return { name, type: AttributeType.FLOAT, f: attr.f }
  if ('s' in attr) return { name, type: AttributeType.STRING, s: utf8.encode(attr.s) }
  if ('ints' in attr) return { name, type: AttributeType.INTS, ints: [...attr.ints] }
  if ('floats' in attr) return { name, type: AttributeType.FLOATS, floats: [...attr.floats] }
  return { name, type: AttributeType.TENSOR, t: tensorProto('', attr.t) }
}

function valueInfo(spec: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = spec.dims.map((d, i) => (d >= 0 ? { dimValue: d } : { dimParam: `${spec.name}_d${i}` }))
  return { name: spec.name, type: { tensorType: { elemType: spec.dtype, shape: { dim } } } }
}

/** Initializers some node or output reads (a reshaped copy may have replaced the original). */
function usedInitializers(graph: GraphBuilder): [string, ConstTensor][] {
  const used = new Set([...graph.nodes.flatMap((node) => node.inputs), ...graph.outputs.map((output) => output.name)])
  return [...graph.initializers].filter(([name]) => used.has(name))
}

export function encodeModel(graph: GraphBuilder, options: { name: string; docString: string }): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'ppserve convert',
    producerVersion: '1',
    docString: options.docString,
    opsetImport: [{ domain: '', version: graph.opset }],
    graph: {
      name: options.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: Object.entries(node.attrs).map(([name, attr]) => attributeProto(name, attr)),
      })),
      initializer: usedInitializers(graph).map(([name, tensor]) => tensorProto(name, tensor)),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  })
  return onnx.ModelProto.encode(model).finish()
}
