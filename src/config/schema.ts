/**
 * The schema of config/serving.yml. Every key has the reference default (SPEC.md), objects are
 * strict so an unknown or misspelt key fails start-up with its path instead of being ignored.
 */
import { z } from 'zod'
import { TASKS } from '../tasks/registry.js'
import type { AnyTask } from '../tasks/task.js'
import { ProtocolsConfigSchema } from '../server/protocols/protocols-config.js'
import { OpOverrideSchema } from './op-settings.js'
import { RemoteModelsSchema } from './remote-models.js'

const positiveInt = z.number().int().positive()
const nonNegativeInt = z.number().int().nonnegative()

export const RuntimeSchema = z.strictObject({
  /** Cores the server may use; null = os.availableParallelism() (follows taskset and cpusets). */
  cpus: positiveInt.max(1024).nullable().default(null),
  /** Threads per model instance; null = planned from `cpus` (src/runtime/cpu-budget.ts). */
  intra_op_threads: nonNegativeInt.nullable().default(null),
  inter_op_threads: nonNegativeInt.default(1),
  graph_optimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  execution_providers: z.array(z.enum(['cpu', 'cuda', 'tensorrt', 'dml', 'coreml'])).min(1).default(['cpu']),
})

/** `services:` has one section per task, each with the task's own schema and defaults. */
function servicesSchema<T extends readonly AnyTask[]>(tasks: T) {
  const names = tasks.map((task) => task.name)
  const twice = names.find((name, i) => names.indexOf(name) !== i)
  if (twice) throw new Error(`task "${twice}" is registered twice`)
  const shape = Object.fromEntries(tasks.map((task) => [task.name, task.config.prefault({} as never)]))
  return z.strictObject(shape as { [K in T[number]['name']]: z.ZodPrefault<Extract<T[number], { name: K }>['config']> }).prefault({} as never)
}

/** The whole file's schema for a list of tasks (the registry's, or a test's own). */
export function servingConfigSchema<T extends readonly AnyTask[]>(tasks: T) {
  return z.strictObject({
    server: z
      .strictObject({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8866),
        shutdown_grace_ms: nonNegativeInt.default(10_000),
      })
      .prefault({}),
    limits: z
      .strictObject({
        max_body_bytes: positiveInt.default(20 * 1024 * 1024),
        max_image_pixels: positiveInt.default(40_000_000),
        min_image_side: positiveInt.default(4),
        max_images_per_request: positiveInt.default(16),
        default_deadline_ms: positiveInt.default(30_000),
        max_deadline_ms: positiveInt.default(300_000),
        /** Requests of one service served at once; more get 503 before decoding. null = 8 × the CPU budget's cores. */
        max_requests_in_flight: positiveInt.nullable().default(null),
        /** Working memory of all requests' decoded images and tensors, MiB; null = a quarter of the machine's (or cgroup's). */
        memory_budget_mb: positiveInt.nullable().default(null),
        /** Longest wait for room in the memory budget before a 503. */
        memory_wait_ms: nonNegativeInt.default(1000),
      })
      .prefault({}),
    runtime: RuntimeSchema.prefault({}),
    models: z
      .strictObject({
        dir: z.string().default('models'),
        /** At start-up, pull configured packages whose weights are missing (`models pull`). */
        auto_pull: z.boolean().default(true),
        /** Folder to pull from instead of the network; PPSERVE_MIRROR overrides it. */
        mirror: z.string().nullable().default(null),
        /** Scheduling per package (`googlenet_v1: {batch_size: 4}`), over the task's op settings. */
        ops: z.record(z.string(), OpOverrideSchema).default({}),
        /** Packages served by a KServe v2 endpoint instead of a local session (./remote-models.ts). */
        remote: RemoteModelsSchema,
      })
      .prefault({}),
    tracer: z
      .strictObject({
        enabled: z.boolean().default(false),
        interval_s: z.number().positive().default(60),
      })
      .prefault({}),
    /** Prometheus metrics at GET /metrics (README "Metrics"). */
    metrics: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    /** GET /openapi.json (OpenAPI 3.1 of the routes served) and GET /docs (README "OpenAPI"). */
    openapi: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    /** GET /: the web page (src/web, compiled by `npm run build`; README "Web page"). */
    web: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    /** Drawn results on the task routes (request option `visualize`, README "Drawn results"). */
    visualize: z
      .strictObject({
        /** Longest side of a drawn JPEG: larger images are scaled down, so answers stay small. */
        max_side: z.number().int().min(64).max(8192).default(1280),
        jpeg_quality: z.number().int().min(1).max(100).default(80),
      })
      .prefault({}),
    services: servicesSchema(tasks),
    /** Other protocols on the same tasks (Paddle Serving pipeline, PaddleHub, KServe v2, ...). */
    protocols: ProtocolsConfigSchema,
  })
}

export const ServingConfigSchema = servingConfigSchema(TASKS)
export type ServingConfig = z.infer<typeof ServingConfigSchema>
export type RuntimeConfig = z.infer<typeof RuntimeSchema>
