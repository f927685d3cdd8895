/** Public API of the scheduling engine. */
export { STANDALONE_CALL, type BatchCall } from './batch-call.js'
export { Engine, type EngineOptions } from './engine.js'
export type { ModelLimits, Op, OpHandle, OpSettings, OpStats } from './op.js'
export { RequestContext, type RequestContextOptions, type StageTiming } from './request-context.js'
export {
  STAGES,
  Tracer,
  type OpSummary,
  type ServiceSummary,
  type Stage,
  type TracerListener,
  type TracerOptions,
  type TracerSnapshot,
} from './tracer.js'
export type { Percentiles } from './latency-window.js'
export * from './errors.js'
