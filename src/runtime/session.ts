/**
 * The narrow interface every model runner implements: onnxruntime in this thread, a pool of
 * worker threads, or a deterministic fake in tests. Feeds and fetches use real tensor names;
 * aliasing happens one level up (src/runtime/model.ts).
 */
import type { Tensor } from './tensor.js'

export interface ModelSession {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>
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
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  intraOpThreads: 0,
  interOpThreads: 1,
  graphOptimization: 'all',
  executionProviders: ['cpu'],
}
