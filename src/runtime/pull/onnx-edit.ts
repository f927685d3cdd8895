/**
 * Pull-time edits of an ONNX source (`source.onnx` in a manifest), as a protobuf rewrite with
 * `onnx-proto`: expose intermediate tensors as the graph's outputs (feature taps inside a
 * detector backbone) and drop the nodes no output needs any more, and re-declare input shapes
 * (a detector exported for one fixed size and batch 1, run on batches of 224×224 crops).
 */
import onnxProto from 'onnx-proto'
import { PullError } from './errors.js'

const { onnx } = onnxProto
type Graph = onnxProto.onnx.IGraphProto
type Node = onnxProto.onnx.INodeProto

export interface OnnxEdit {
  readonly expose_outputs?: readonly string[] | undefined
  readonly input_shape?: Readonly<Record<string, readonly number[]>> | undefined
}

/** Every tensor a node reads, including those its sub-graphs (If / Loop bodies) take from outside. */
function nodeReads(node: Node): string[] {
  const reads = [...(node.input ?? [])]
  for (const attribute of node.attribute ?? []) {
    for (const graph of [attribute.g, ...(attribute.graphs ?? [])]) {
      for (const inner of graph?.node ?? []) reads.push(...nodeReads(inner))
    }
  }
  return reads.filter((name) => name !== '')
}

function elemTypeOf(graph: Graph, name: string): number {
  const info = [...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.input ?? [])].find((v) => v.name === name)
  return info?.type?.tensorType?.elemType ?? onnx.TensorProto.DataType.FLOAT
}

/** The outputs become `names`; nodes, initializers and value infos nothing reads are dropped. */
function exposeOutputs(graph: Graph, names: readonly string[], what: string): void {
  const nodes = graph.node ?? []
  const producer = new Map<string, Node>()
  for (const node of nodes) for (const output of node.output ?? []) producer.set(output, node)
  const inputs = new Set((graph.input ?? []).map((v) => v.name!))
  const missing = names.filter((name) => !producer.has(name) && !inputs.has(name))
  if (missing.length > 0) throw new PullError(`${what}: source.onnx.expose_outputs names ${missing.join(', ')}, which no node of the graph produces`)
  graph.output = names.map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: elemTypeOf(graph, name) } } }))
  const kept = new Set<Node>()
  const needed = new Set<string>(names)
  const stack = [...names]
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!)
    if (!node || kept.has(node)) continue
    kept.add(node)
    for (const read of nodeReads(node)) {
      needed.add(read)
      stack.push(read)
    }
  }
  graph.node = nodes.filter((node) => kept.has(node))
  // Weights of dropped nodes go, also where an old exporter lists them as graph inputs too.
  const weights = new Set((graph.initializer ?? []).map((t) => t.name!))
  graph.input = (graph.input ?? []).filter((v) => needed.has(v.name!) || !weights.has(v.name!))
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name!))
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name!))
}

function reshapeInputs(graph: Graph, shapes: Readonly<Record<string, readonly number[]>>, what: string): void {
  for (const [name, dims] of Object.entries(shapes)) {
    const input = (graph.input ?? []).find((v) => v.name === name)
    if (!input?.type?.tensorType) throw new PullError(`${what}: source.onnx.input_shape names ${name}, which is not a tensor input of the graph`)
    input.type.tensorType.shape = { dim: dims.map((d, i) => (d >= 0 ? { dimValue: d } : { dimParam: `${name}_d${i}` })) }
  }
  // Shapes recorded for the old input size may no longer hold; onnxruntime infers them again.
  graph.valueInfo = []
  for (const output of graph.output ?? []) if (output.type?.tensorType) output.type.tensorType.shape = null
}

/**
 * Applies `edit` to the model `bytes`; `what` names the model in errors. Initializers listed as
 * graph inputs (IR ≥ 4 allows leaving them out) are no longer inputs, so onnxruntime may fold them.
 */
export function editOnnx(bytes: Uint8Array, edit: OnnxEdit, what: string): Uint8Array {
  let model: onnxProto.onnx.ModelProto
  try {
    model = onnx.ModelProto.decode(bytes)
  } catch (error) {
    throw new PullError(`${what}: the source is not an ONNX model: ${(error as Error).message}`, { cause: error })
  }
  const graph = model.graph
  if (!graph) throw new PullError(`${what}: the ONNX model has no graph`)
  if (edit.expose_outputs) exposeOutputs(graph, edit.expose_outputs, what)
  if (edit.input_shape) reshapeInputs(graph, edit.input_shape, what)
  if (Number(model.irVersion) >= 4) {
    const initializers = new Set((graph.initializer ?? []).map((t) => t.name!))
    graph.input = (graph.input ?? []).filter((v) => !initializers.has(v.name!))
  }
  return onnx.ModelProto.encode(model).finish()
}
