/**
 * The composition root: from a validated config, build the engine and the model registry, and
 * create the service of every enabled task in the registry. Shared by `serve`, the tests and the
 * benchmarks.
 */
import type { ServingConfig } from '../config/schema.js'
import { toOpSettings } from '../config/op-settings.js'
import { Engine } from '../engine/engine.js'
import { Tracer } from '../engine/tracer.js'
import { ModelRegistry, type SessionFactory } from '../runtime/model-registry.js'
import { recognizeTask } from '../tasks/recognition/recognize-task.js'
import { manifestSectionsOf, TASKS } from '../tasks/registry.js'
import type { AnyService, AnyTask, TaskDefinition, TaskKit, TaskSectionSchema } from '../tasks/task.js'
import { log } from '../util/log.js'
import type { DecodeLimits } from '../vision/decode.js'
import { planCpus } from './cpu-plan.js'
import { defaultMemoryBudgetBytes } from './memory-admission.js'
import { ServerMetrics } from './metrics.js'

export interface RunningTask {
  readonly definition: AnyTask
  readonly service: AnyService
  /** The task's validated config section. */
  readonly config: { enabled: boolean }
}

export interface Services {
  readonly config: Readonly<ServingConfig>
  readonly engine: Engine
  readonly registry: ModelRegistry
  /** Cores the models may use (`runtime.cpus`, or what the affinity mask allows). */
  readonly cpus: number
  /** Enabled tasks, in registry order. */
  readonly tasks: readonly RunningTask[]
  /** An enabled task by name. */
  task(name: string): RunningTask | undefined
  /** The running service of a task definition, typed; undefined when the task is disabled. */
  serviceOf<S extends AnyService>(task: TaskDefinition<string, TaskSectionSchema, S>): S | undefined
  /** The Prometheus metrics (`GET /metrics`); undefined when `metrics.enabled` is false. */
  readonly metrics: ServerMetrics | undefined
  /** Rejects queued work, waits for running batches, releases the models. */
  stop(): Promise<void>
}

export interface ServicesOptions {
  sessionFactory?: SessionFactory
  /** Tasks to serve (default: the registry's); tests add their own. */
  tasks?: readonly AnyTask[]
}

/**
 * Default requests in flight per service and core: 4 OCR clients already keep 2 cores busy
 * (bench/BENCHMARKS.md), so 16 on 2 cores is past full throughput for every task. A burst beyond
 * it is refused before it costs decoding; fewer admitted requests also means faster refusals (200
 * at once: 503s after p50 415 ms with 8 per core, 1 s with 16 per core, measured with the client
 * on the same 2 cores).
 */
const REQUESTS_PER_CORE = 8

function sectionOf(config: ServingConfig, task: AnyTask): { enabled: boolean } {
  return (config.services as Record<string, { enabled: boolean }>)[task.name]!
}

/** Every model package the enabled tasks load. */
export function modelNamesOf(config: ServingConfig, tasks: readonly AnyTask[] = TASKS): string[] {
  const enabled = tasks.filter((task) => sectionOf(config, task).enabled)
  return [...new Set(enabled.flatMap((task) => task.models(sectionOf(config, task))))]
}

export function decodeLimitsOf(config: ServingConfig): DecodeLimits {
  return { maxPixels: config.limits.max_image_pixels, minSide: config.limits.min_image_side }
}

function taskKit(config: ServingConfig, engine: Engine, registry: ModelRegistry, cpus: number): TaskKit {
  const settingsFor = (name: string, ops: Parameters<TaskKit['loadModel']>[1]) => toOpSettings(ops, config.models.ops[name], cpus)
  return {
    engine,
    registry,
    limits: decodeLimitsOf(config),
    loadModel: (name, ops) => registry.load(name, settingsFor(name, ops).concurrency),
    registerOp: (op, model, ops) => engine.register(op, settingsFor(model.name, ops), { maxBatch: model.maxBatch, model: model.name }),
  }
}

export async function createServices(config: Readonly<ServingConfig>, options: ServicesOptions = {}): Promise<Services> {
  const tracer = new Tracer()
  const cpu = planCpus(config, { requestsInFlight: () => engine.totalRequestsInFlight() })
  const engine = new Engine({
    tracer,
    defaultDeadlineMs: config.limits.default_deadline_ms,
    maxRequestsPerService: config.limits.max_requests_in_flight ?? REQUESTS_PER_CORE * cpu.cpus,
    memoryBudget: {
      bytes: config.limits.memory_budget_mb === null ? defaultMemoryBudgetBytes() : config.limits.memory_budget_mb * 2 ** 20,
      waitMs: config.limits.memory_wait_ms,
    },
  })
  const known = options.tasks ?? TASKS
  const registry = new ModelRegistry(
    config.models.dir,
    cpu.sessionOptions,
    options.sessionFactory ?? cpu.sessionFactory,
    manifestSectionsOf(known),
    config.models.remote,
  )
  const kit = taskKit(config, engine, registry, cpu.cpus)
  const enabled = known.filter((task) => sectionOf(config, task).enabled)
  const tasks = await Promise.all(
    enabled.map(async (definition): Promise<RunningTask> => {
      const section = sectionOf(config, definition)
      return { definition, config: section, service: await definition.create(section, kit) }
    }),
  )
  if (config.tracer.enabled) tracer.start(config.tracer.interval_s, (line) => log.info(line))
  const serviceOf = <S extends AnyService>(task: TaskDefinition<string, TaskSectionSchema, S>) =>
    tasks.find((t) => t.definition === (task as unknown as AnyTask))?.service as S | undefined
  const metrics = config.metrics.enabled
    ? new ServerMetrics({
        tracer,
        opStats: () => engine.opStats(),
        modelStates: () => registry.list(),
        gallerySizes: () => serviceOf(recognizeTask)?.galleries.openedSizes() ?? new Map(),
        cpuBudget: () => ({ ...cpu.budget.stats(), cpus: cpu.cpus }),
        memoryBudget: () => engine.memory.stats(),
      })
    : undefined
  return {
    config,
    engine,
    registry,
    cpus: cpu.cpus,
    tasks,
    task: (name) => tasks.find((t) => t.definition.name === name),
    serviceOf,
    metrics,
    async stop() {
      metrics?.close()
      serviceOf(recognizeTask)?.galleries.close()
      await engine.stop()
      await registry.closeAll()
    },
  }
}
