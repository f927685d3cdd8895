/**
 * Accumulates an ONNX graph: nodes, initializers, inputs and outputs, with unique tensor names.
 * Mappers add nodes through it; model-proto.ts turns the result into a ModelProto.
 */
import { ConversionError } from '../errors.js'
import type { OnnxDTypeCode } from '../paddle/dtype.js'
import { int64Tensor, type ConstTensor } from './const-tensor.js'

/** One ONNX attribute value, tagged with its ONNX attribute type. */
export type OnnxAttr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly t: ConstTensor }

export interface OnnxNode {
  readonly opType: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attrs: Readonly<Record<string, OnnxAttr>>
  readonly name: string
}

/** A graph input or output: -1 dims become symbolic (dim_param) dimensions. */
export interface ValueSpec {
  readonly name: string
  readonly dtype: OnnxDTypeCode
  readonly dims: readonly number[]
}

export const int = (i: number): OnnxAttr => ({ i })
export const float = (f: number): OnnxAttr => ({ f })
export const str = (s: string): OnnxAttr => ({ s })
export const ints = (values: readonly number[]): OnnxAttr => ({ ints: values })
export const floats = (values: readonly number[]): OnnxAttr => ({ floats: values })

export class GraphBuilder {
  readonly nodes: OnnxNode[] = []
  readonly initializers = new Map<string, ConstTensor>()
  readonly inputs: ValueSpec[] = []
  readonly outputs: ValueSpec[] = []
  private readonly taken = new Set<string>()
  private readonly int64Cache = new Map<string, string>()

  constructor(readonly opset: number) {}

  /** A name not used by any tensor yet, derived from `hint`. */
  uniqueName(hint: string): string {
    let name = hint
    for (let n = 1; this.taken.has(name); n++) name = `${hint}__${n}`
    this.taken.add(name)
    return name
  }

  /** Marks a name as produced (graph inputs, Paddle variable names used as outputs). */
  claim(name: string): boolean {
    if (this.taken.has(name)) return false
    this.taken.add(name)
    return true
  }

  isTaken(name: string): boolean {
    return this.taken.has(name)
  }

  /** Adds a node whose outputs are the given names (already claimed or fresh). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, OnnxAttr> = {}): readonly string[] {
    for (const output of outputs) this.taken.add(output)
    this.nodes.push({ opType, inputs, outputs, attrs, name: `${opType}_${this.nodes.length}` })
    return outputs
  }

  /** Adds a single-output node with a generated output name; returns that name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}, hint = opType.toLowerCase()): string {
    const output = this.uniqueName(hint)
    this.node(opType, inputs, [output], attrs)
    return output
  }

  /**
   * Adds an initializer under `name` and returns the name. The name may already be claimed for
   * this purpose (an op output that folds to a constant) but not hold a value yet.
   */
  initializer(name: string, tensor: ConstTensor): string {
    if (this.initializers.has(name) || this.inputs.some((input) => input.name === name)) {
      throw new ConversionError(`tensor name ${name} is already used`)
    }
    this.taken.add(name)
    this.initializers.set(name, tensor)
    return name
  }

  constant(tensor: ConstTensor, hint = 'const'): string {
    const name = this.uniqueName(hint)
    this.initializers.set(name, tensor)
    return name
  }

  /** A 1-D int64 initializer (shapes, axes, slice bounds), shared between nodes that use the same values. */
  int64s(values: readonly number[]): string {
    const key = values.join(',')
    const cached = this.int64Cache.get(key)
    if (cached) return cached
    const name = this.constant(int64Tensor(values), 'i64')
    this.int64Cache.set(key, name)
    return name
  }

  addInput(spec: ValueSpec): void {
    this.claim(spec.name)
    this.inputs.push(spec)
  }

  addOutput(spec: ValueSpec): void {
    this.outputs.push(spec)
  }
}
