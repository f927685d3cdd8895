/**
 * Maps Paddle variable names to ONNX tensor names. ONNX wants each tensor produced once, while
 * Paddle lets ops overwrite a variable (in-place relu), so a second write gets a fresh name and
 * later readers see the newest one. Parameters become initializers on first read.
 */
import { ConversionError } from './errors.js'
import type { GraphBuilder } from './onnx/graph-builder.js'
import { dtypeInfo } from './paddle/dtype.js'
import type { ParamSource } from './paddle/param-source.js'
import type { PaddleBlock } from './paddle/program.js'
import { elementCount } from './paddle/tensor-stream.js'

export class TensorNames {
  private readonly current = new Map<string, string>()
  /** Parameters loaded so far and their element count, for the summary. */
  paramCount = 0
  paramElements = 0

  constructor(
    private readonly graph: GraphBuilder,
    private readonly block: PaddleBlock,
    private readonly params: ParamSource,
  ) {}

  /** Records a graph input under its own name. */
  defineInput(name: string): void {
    this.current.set(name, name)
  }

  read(variable: string): string {
    const name = this.current.get(variable)
    if (name !== undefined) return name
    const desc = this.block.vars.get(variable)
    if (!desc?.persistable) throw new ConversionError(`variable ${variable} is read before any op writes it`)
    const tensor = this.params.get(desc)
    this.graph.initializer(variable, { dtype: dtypeInfo(tensor.dtype).onnx, dims: tensor.dims, raw: tensor.data })
    this.paramCount += 1
    this.paramElements += elementCount(tensor.dims)
    this.current.set(variable, variable)
    return variable
  }

  write(variable: string): string {
    const name = this.graph.isTaken(variable) ? this.graph.uniqueName(variable) : variable
    this.graph.claim(name)
    this.current.set(variable, name)
    return name
  }
}
