/**
 * The contract between the converter and its op mappers: a mapper reads one Paddle op through a
 * MapContext and adds the equivalent ONNX nodes to the graph. Mappers never see files or SSA
 * renaming: `input()` gives the current ONNX name of a slot's variable, `output()` the name to produce.
 */
import type { ConstTensor } from '../onnx/const-tensor.js'
import type { GraphBuilder } from '../onnx/graph-builder.js'
import type { PaddleDTypeCode } from '../paddle/dtype.js'
import type { OpAttrs } from '../paddle/op-attrs.js'
import type { PaddleOp } from '../paddle/program.js'

export interface MapContext {
  readonly op: PaddleOp
  readonly attrs: OpAttrs
  readonly graph: GraphBuilder
  hasInput(slot: string): boolean
  /** ONNX name of the variable in an input slot (throws when the slot is empty). */
  input(slot: string, index?: number): string
  /** All variables of a multi-variable slot (concat's X, reshape2's ShapeTensor); empty when absent. */
  inputs(slot: string): readonly string[]
  hasOutput(slot: string): boolean
  /** The ONNX name the mapper must produce for an output slot's variable. */
  output(slot: string, index?: number): string
  outputs(slot: string): readonly string[]
  /** Dims of an input slot's variable: a parameter's real dims, else its declaration (-1 = dynamic). */
  dims(slot: string, index?: number): readonly number[]
  /** Declared dims of an output slot's variable. */
  outputDims(slot: string, index?: number): readonly number[]
  dtype(slot: string, index?: number): PaddleDTypeCode
  /** The value of an input that is a constant (a parameter or a folded fill_constant). */
  constant(slot: string, index?: number): ConstTensor | undefined
}

export type OpMapper = (ctx: MapContext) => void
