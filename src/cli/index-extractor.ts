/**
 * The feature model for `ppserve index build | append`, loaded exactly as the server loads it
 * (ModelRegistry worker sessions with the config's runtime options, the feature op on an Engine),
 * so the vectors written here are the ones the server's queries are compared with. A package
 * whose weights are missing is pulled first when models.auto_pull is on, as serve does.
 */
import { Cancelled, ModelNotReady } from '../engine/errors.js'
import { Engine } from '../engine/engine.js'
import { ModelRegistry } from '../runtime/model-registry.js'
import { ensureModelsPulled } from '../runtime/pull/index.js'
import { planCpus } from '../server/cpu-plan.js'
import { decodeLimitsOf } from '../server/services.js'
import { Embedder } from '../tasks/recognition/embedder.js'
import { manifestSectionsOf, TASKS } from '../tasks/registry.js'
import type { DecodeLimits } from '../vision/decode.js'
import type { IndexSettings } from './index-settings.js'

export interface FeatureExtractor {
  readonly engine: Engine
  readonly embedder: Embedder
  readonly limits: DecodeLimits
  /** Stops the op and the model's worker threads (the process can then exit). */
  close(): Promise<void>
}

async function pullIfMissing(settings: IndexSettings, model: string): Promise<void> {
  if (!settings.config.models.auto_pull) return
  const [result] = await ensureModelsPulled(settings.modelsDir, [model], { mirror: settings.mirror })
  if (result?.status === 'failed') throw new ModelNotReady(`feature model ${model} could not be pulled: ${result.error?.message}`)
  if (result?.status === 'cancelled') throw new Cancelled(`pulling feature model ${model} was interrupted`)
}

/** Loads `model` with one feature op whose batches hold up to `batchSize` images. */
export async function startFeatureExtractor(settings: IndexSettings, model: string, batchSize: number): Promise<FeatureExtractor> {
  await pullIfMissing(settings, model)
  const { config } = settings
  const ops = config.services.recognize.ops.features
  const cpu = planCpus(config)
  const concurrency = ops.concurrency ?? cpu.cpus
  const registry = new ModelRegistry(settings.modelsDir, cpu.sessionOptions, cpu.sessionFactory, manifestSectionsOf(TASKS))
  const loaded = await registry.load(model, concurrency)
  if (!loaded) {
    const state = registry.list().find((s) => s.name === model)
    throw new ModelNotReady(state?.message ?? `feature model ${model} could not be loaded from ${settings.modelsDir}`)
  }
  const engine = new Engine({ defaultDeadlineMs: config.limits.default_deadline_ms })
  let embedder: Embedder
  try {
    const settings = { batchSize, batchTimeoutMs: 0, concurrency, queueSize: Math.max(ops.queue_size, batchSize) }
    embedder = Embedder.create(loaded, (op) => engine.register(op, settings))
  } catch (error) {
    await registry.closeAll() // e.g. a package without a `features` output
    throw error
  }
  return {
    engine,
    embedder,
    limits: decodeLimitsOf(config),
    async close() {
      await engine.stop()
      await registry.closeAll()
    },
  }
}
