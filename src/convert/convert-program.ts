/**
 * Turns a Paddle program (block 0) and its parameters into ONNX model bytes: picks the outputs,
 * prunes to what they need, refuses unsupported ops up front (all of them, with counts), then
 * maps op by op. Nothing here touches the file system except through the ParamSource.
 */
import { ConversionError, UnsupportedOpsError } from './errors.js'
import { insertLrnAfter } from './insert-lrn.js'
import { createMapContext } from './map-context.js'
import { GraphBuilder } from './onnx/graph-builder.js'
import { encodeModel, MAX_OPSET, MIN_OPSET } from './onnx/model-proto.js'
import { isSupportedOp, OP_MAPPERS } from './ops/registry.js'
import { dtypeInfo, PaddleDType } from './paddle/dtype.js'
import type { ParamSource } from './paddle/param-source.js'
import type { PaddleBlock, PaddleOp, PaddleProgram } from './paddle/program.js'
import { pruneToTargets } from './prune.js'
import { TensorNames } from './tensor-names.js'
import type { DType } from '../runtime/manifest.js'

export interface ConvertOptions {
  /** Output variables; default: the program's fetch targets. */
  readonly fetch?: readonly string[]
  /** Replaces the declared dims of feeds (-1 = dynamic). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>
  readonly opset?: number
  readonly graphName?: string
  /** Insert a Caffe LRN after the last writer of each of these variables (insert-lrn.ts). */
  readonly lrnAfter?: readonly string[]
}

export interface TensorInfo {
  readonly name: string
  readonly dtype: DType
  readonly dims: readonly number[]
}

export interface ConvertedModel {
  readonly onnx: Uint8Array
  readonly feeds: readonly TensorInfo[]
  readonly fetches: readonly TensorInfo[]
  /** Paddle op types converted, with counts. */
  readonly opCounts: ReadonlyMap<string, number>
  readonly nodeCount: number
  readonly paramCount: number
  readonly paramElements: number
  readonly opset: number
}

export const DEFAULT_OPSET = 13

/** Variables named by the feed or fetch ops, in `col` order. */
function ioVars(block: PaddleBlock, type: 'feed' | 'fetch'): string[] {
  const slot = type === 'feed' ? 'Out' : 'X'
  const ops = block.ops.filter((op) => op.type === type)
  const col = (op: PaddleOp) => Number(op.attrs.get('col') ?? 0)
  return ops.sort((a, b) => col(a) - col(b)).map((op) => (type === 'feed' ? op.outputs : op.inputs)[slot]?.[0] ?? '')
}

function countTypes(ops: readonly PaddleOp[], keep: (type: string) => boolean): Map<string, number> {
  const counts = new Map<string, number>()
  for (const op of ops) if (keep(op.type)) counts.set(op.type, (counts.get(op.type) ?? 0) + 1)
  return counts
}

function tensorInfo(block: PaddleBlock, name: string, onnxName: string, dims: readonly number[], role: string): TensorInfo {
  const code = block.vars.get(name)?.dtype ?? PaddleDType.FP32
  const dtype = dtypeInfo(code).manifest
  if (!dtype) throw new ConversionError(`${role} ${name} has type ${dtypeInfo(code).name}, which a model manifest cannot declare`)
  return { name: onnxName, dtype, dims }
}

function feedDims(block: PaddleBlock, feeds: readonly string[], overrides: ConvertOptions['inputShapes'] = {}): Map<string, readonly number[]> {
  for (const name of Object.keys(overrides)) {
    if (!feeds.includes(name)) throw new ConversionError(`--input-shape names ${name}, which is not a used input (inputs: ${feeds.join(', ')})`)
  }
  return new Map(
    feeds.map((name) => {
      const declared = block.vars.get(name)?.dims ?? []
      const override = overrides[name]
      if (override && override.length !== declared.length) {
        throw new ConversionError(`--input-shape ${name} has ${override.length} dims, the model declares ${declared.length} (${JSON.stringify(declared)})`)
      }
      return [name, override ?? declared] as const
    }),
  )
}

export function convertProgram(source: PaddleProgram, params: ParamSource, options: ConvertOptions = {}): ConvertedModel {
  const program = insertLrnAfter(source, options.lrnAfter ?? [])
  const opset = options.opset ?? DEFAULT_OPSET
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ConversionError(`opset ${opset} is not supported (${MIN_OPSET} to ${MAX_OPSET})`)
  }
  const block = program.blocks[0]!
  const targets = options.fetch && options.fetch.length > 0 ? options.fetch : ioVars(block, 'fetch')
  for (const target of targets) {
    if (!block.vars.has(target)) throw new ConversionError(`the main block has no variable ${target}`)
  }
  const pruned = pruneToTargets(block, ioVars(block, 'feed'), targets)
  const unsupported = countTypes(pruned.ops, (type) => !isSupportedOp(type))
  if (unsupported.size > 0) throw new UnsupportedOpsError(unsupported)
  if (pruned.missing.length > 0) {
    throw new ConversionError(`no op in the main block produces ${pruned.missing.join(', ')} (and it is not a feed)`)
  }

  const graph = new GraphBuilder(opset)
  const names = new TensorNames(graph, block, params)
  const dims = feedDims(block, pruned.feeds, options.inputShapes)
  const feeds = pruned.feeds.map((name) => {
    const info = tensorInfo(block, name, name, dims.get(name) ?? [], 'input')
    graph.addInput({ name, dtype: dtypeInfo(block.vars.get(name)?.dtype ?? PaddleDType.FP32).onnx, dims: info.dims })
    names.defineInput(name)
    return info
  })
  const env = { graph, block, names, feedDims: dims }
  for (const op of pruned.ops) {
    if (!isSupportedOp(op.type)) continue // unreachable: checked above
    try {
      OP_MAPPERS[op.type].map(createMapContext(op, env))
    } catch (error) {
      if (error instanceof ConversionError) throw new ConversionError(`while mapping ${op.type} → ${Object.values(op.outputs).flat()[0] ?? '?'}: ${error.message}`, { cause: error })
      throw error
    }
  }
  const fetches = targets.map((target) => {
    const onnxName = names.read(target)
    const info = tensorInfo(block, target, onnxName, block.vars.get(target)?.dims ?? [], 'output')
    graph.addOutput({ name: onnxName, dtype: dtypeInfo(block.vars.get(target)?.dtype ?? PaddleDType.FP32).onnx, dims: info.dims })
    return info
  })
  const onnx = encodeModel(graph, { name: options.graphName ?? 'paddle', docString: 'converted from a Paddle inference model by ppserve convert' })
  return {
    onnx,
    feeds,
    fetches,
    opCounts: countTypes(pruned.ops, () => true),
    nodeCount: graph.nodes.length,
    paramCount: names.paramCount,
    paramElements: names.paramElements,
    opset,
  }
}
