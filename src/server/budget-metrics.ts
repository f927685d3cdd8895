/**
 * Scrape-time gauges of the two budgets every request draws on: the CPU budget of local model
 * calls (src/runtime/cpu-budget.ts) and the memory budget of decoded images and tensors
 * (src/engine/memory-budget.ts).
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { MemoryBudgetStats } from '../engine/memory-budget.js'

export interface BudgetSources {
  /** The CPU budget of the local model calls now. */
  cpuBudget?(): { readonly running: number; readonly waiting: number; readonly freeThreads: number; readonly cpus: number }
  /** The memory budget now. */
  memoryBudget?(): MemoryBudgetStats
}

export function registerBudgetMetrics(registers: Registry[], name: (suffix: string) => string, sources: BudgetSources): void {
  new Gauge({
    name: name('cpu_budget_threads'),
    help: 'Model threads of the CPU budget (runtime.cpus): "total", "in_use" by running model calls now.',
    labelNames: ['kind'],
    registers,
    collect() {
      const budget = sources.cpuBudget?.()
      if (!budget) return
      this.set({ kind: 'total' }, budget.cpus)
      this.set({ kind: 'in_use' }, budget.cpus - budget.freeThreads)
    },
  })
  new Gauge({
    name: name('cpu_budget_calls'),
    help: 'Model calls running within the CPU budget now ("running") and waiting for threads ("waiting").',
    labelNames: ['state'],
    registers,
    collect() {
      const budget = sources.cpuBudget?.()
      if (!budget) return
      this.set({ state: 'running' }, budget.running)
      this.set({ state: 'waiting' }, budget.waiting)
    },
  })
  new Gauge({
    name: name('memory_budget_bytes'),
    help: 'Memory budget of decoded images and tensors (limits.memory_budget_mb): "limit", and "reserved" by requests now.',
    labelNames: ['kind'],
    registers,
    collect() {
      const budget = sources.memoryBudget?.()
      if (!budget) return
      this.set({ kind: 'limit' }, budget.limitBytes)
      this.set({ kind: 'reserved' }, budget.reservedBytes)
    },
  })
  new Gauge({
    name: name('memory_budget_waiting'),
    help: 'Requests waiting for room in the memory budget now.',
    registers,
    collect() {
      const budget = sources.memoryBudget?.()
      if (budget) this.set(budget.waiting)
    },
  })
  new Counter({
    name: name('memory_budget_refused_total'),
    help: 'Requests refused with 503 because the memory budget stayed full for their whole wait.',
    registers,
    collect() {
      const budget = sources.memoryBudget?.()
      if (!budget) return
      // The budget keeps the count; the counter mirrors it at scrape time.
      this.reset()
      this.inc(budget.refused)
    },
  })
}
