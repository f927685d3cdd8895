/**
 * How the models use the cores (README "CPU budget"): `runtime.cpus` (default: what the affinity
 * mask allows) is one budget shared by every local model call. With `intra_op_threads: null`
 * each model gets single-threaded instances (one per core unless its op sets `concurrency`) for
 * calls that overlap, plus one session using every core for a call that runs alone. A fixed
 * `intra_op_threads` gives every instance that many threads, still within the budget.
 */
import type { ServingConfig } from '../config/schema.js'
import { availableCpus, CpuBudget, type CpuBudgetOptions } from '../runtime/cpu-budget.js'
import type { SessionFactory } from '../runtime/model-registry.js'
import type { SessionOptions } from '../runtime/session.js'
import { createWorkerPoolSession } from '../runtime/worker-pool-session.js'

export interface CpuPlan {
  readonly cpus: number
  readonly budget: CpuBudget
  readonly sessionOptions: SessionOptions
  readonly sessionFactory: SessionFactory
}

/** `budget.requestsInFlight`: the server's count, so a model call takes every core only for a lone request. */
export function planCpus(config: Pick<ServingConfig, 'runtime'>, budgetOptions: CpuBudgetOptions = {}): CpuPlan {
  const { runtime } = config
  const cpus = availableCpus(runtime.cpus)
  const budget = new CpuBudget(cpus, budgetOptions)
  const planned = runtime.intra_op_threads === null
  const sessionOptions: SessionOptions = {
    intraOpThreads: planned ? 1 : runtime.intra_op_threads!,
    interOpThreads: runtime.inter_op_threads,
    graphOptimization: runtime.graph_optimization,
    executionProviders: runtime.execution_providers,
  }
  const plan = { budget, wideThreads: planned ? cpus : 0 }
  return {
    cpus,
    budget,
    sessionOptions,
    sessionFactory: (modelPath, options, instances) => createWorkerPoolSession(modelPath, options, instances, plan),
  }
}
