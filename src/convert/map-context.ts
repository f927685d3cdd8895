/** Builds the MapContext a mapper sees for one Paddle op (see ops/mapper.ts). */
import { ConversionError } from './errors.js'
import type { GraphBuilder } from './onnx/graph-builder.js'
import { PaddleDType } from './paddle/dtype.js'
import { OpAttrs } from './paddle/op-attrs.js'
import type { PaddleBlock, PaddleOp } from './paddle/program.js'
import type { MapContext } from './ops/mapper.js'
import type { TensorNames } from './tensor-names.js'

export interface MapEnvironment {
  readonly graph: GraphBuilder
  readonly block: PaddleBlock
  readonly names: TensorNames
  /** Feed dims as declared in the ONNX graph (after --input-shape overrides). */
  readonly feedDims: ReadonlyMap<string, readonly number[]>
}

export function createMapContext(op: PaddleOp, env: MapEnvironment): MapContext {
  const { graph, block, names } = env
  const variable = (slots: PaddleOp['inputs'], slot: string, index: number, kind: string): string => {
    const name = slots[slot]?.[index]
    if (name === undefined) throw new ConversionError(`${op.type}: ${kind} slot ${slot}[${index}] is empty`)
    return name
  }
  const declared = (name: string): readonly number[] => {
    const dims = env.feedDims.get(name) ?? block.vars.get(name)?.dims
    if (!dims) throw new ConversionError(`${op.type}: variable ${name} has no tensor declaration`)
    return dims
  }
  const produced = new Map<string, string>()
  return {
    op,
    attrs: new OpAttrs(op),
    graph,
    hasInput: (slot) => (op.inputs[slot]?.length ?? 0) > 0,
    input: (slot, index = 0) => names.read(variable(op.inputs, slot, index, 'input')),
    inputs: (slot) => (op.inputs[slot] ?? []).map((name) => names.read(name)),
    hasOutput: (slot) => (op.outputs[slot]?.length ?? 0) > 0,
    output(slot, index = 0) {
      const name = variable(op.outputs, slot, index, 'output')
      const existing = produced.get(name)
      if (existing) return existing
      const onnxName = names.write(name)
      produced.set(name, onnxName)
      return onnxName
    },
    outputs(slot) {
      return (op.outputs[slot] ?? []).map((_, index) => this.output(slot, index))
    },
    dims(slot, index = 0) {
      const name = variable(op.inputs, slot, index, 'input')
      return graph.initializers.get(names.read(name))?.dims ?? declared(name)
    },
    outputDims: (slot, index = 0) => declared(variable(op.outputs, slot, index, 'output')),
    dtype: (slot, index = 0) => block.vars.get(variable(op.inputs, slot, index, 'input'))?.dtype ?? PaddleDType.FP32,
    constant: (slot, index = 0) => graph.initializers.get(names.read(variable(op.inputs, slot, index, 'input'))),
  }
}
