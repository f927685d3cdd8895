/**
 * The narrow interface every model runner implements: onnxruntime in this thread, a pool of
 * worker threads, or a deterministic fake in tests. Feeds and fetches use real tensor names;
 * aliasing happens one level up (src/runtime/model.ts).
 */
import type { BatchCall } from '../engine/batch-call.js'
import type { Tensor } from './tensor.js'

/** A graph input or output as the model itself declares it, for checking manifests against. */
export interface TensorInfo {
  readonly name: string
  /** onnxruntime's element type name (`float32`, `int64`, `float16`, ...); `non-tensor` for sequences and maps. */
  readonly dtype: string
  /** -1 marks a dynamic (symbolic) dimension; undefined when the graph does not declare the shape. */
  readonly shape: readonly number[] | undefined
}

export interface ModelSession {
  readonly inputs: readonly TensorInfo[]
  readonly outputs: readonly TensorInfo[]
  /** `call` tells the batch's deadline and takes the time spent waiting before the model ran. */
  run(feeds: Readonly<Record<string, Tensor>>, call?: BatchCall): Promise<Record<string, Tensor>>
  close(): Promise<void>
}

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all'
export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt' | 'dml' | 'coreml'

export interface SessionOptions {
  /** 0 lets onnxruntime choose (one per physical core). */
  readonly intraOpThreads: number
  readonly interOpThreads: number
  readonly graphOptimization: GraphOptimization
  /** Tried in order; the CPU provider is always appended as the fallback. */
  readonly executionProviders: readonly ExecutionProvider[]
  /**
   * Intra-op threads spin between the ops of a call and stop when it returns: faster for a
   * session that runs calls alone (the CPU budget's wide one), CPU taken from everything else
   * otherwise. Default false.
   */
  readonly spinning?: boolean
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  intraOpThreads: 0,
  interOpThreads: 1,
  graphOptimization: 'all',
  executionProviders: ['cpu'],
}
