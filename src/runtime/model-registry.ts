/**
 * Loads the model packages the configured services need and remembers each one's state, so the
 * server can start with a model missing, say which in /readyz, and answer 503 for that service
 * instead of crashing.
 */
import path from 'node:path'
import { ModelNotReady, ServingError } from '../engine/errors.js'
import { log } from '../util/log.js'
import { Model } from './model.js'
import type { ManifestSection } from './manifest-sections.js'
import { loadModelPackage, modelFileExists, type ModelPackage } from './model-package.js'
import type { ModelSession, SessionOptions } from './session.js'
import { createWorkerPoolSession } from './worker-pool-session.js'

export type ModelStateName = 'loading' | 'ready' | 'missing' | 'failed'

export interface ModelState {
  readonly name: string
  readonly state: ModelStateName
  readonly message?: string
}

export type SessionFactory = (modelPath: string, options: SessionOptions, instances: number) => Promise<ModelSession>

/** What a user should run to obtain a package's weights. */
function howToGet(pkg: ModelPackage): string {
  const source = pkg.manifest.source
  if (!source) return `its manifest names no source: put the ONNX file at ${pkg.modelPath}`
  if (source.url) return `pull it: npx ppserve models pull ${pkg.name} (or with --mirror DIR offline)`
  return `pull it from a mirror folder that holds ${source.mirror_path}: npx ppserve models pull ${pkg.name} --mirror DIR`
}

export class ModelRegistry {
  private readonly models = new Map<string, Model>()
  private readonly states = new Map<string, ModelState>()

  constructor(
    private readonly modelsDir: string,
    private readonly sessionOptions: SessionOptions,
    private readonly createSession: SessionFactory = createWorkerPoolSession,
    /** Every manifest section the running tasks own; a package naming another fails its load. */
    private readonly sections?: readonly ManifestSection[],
  ) {}

  /** Loads one package with `instances` parallel sessions; records failure instead of throwing. */
  async load(name: string, instances: number): Promise<Model | undefined> {
    const existing = this.models.get(name)
    if (existing) return existing
    this.states.set(name, { name, state: 'loading' })
    const started = performance.now()
    try {
      const pkg = await loadModelPackage(path.join(this.modelsDir, name), this.sections)
      if (!modelFileExists(pkg)) {
        const message = `model ${name}: weights file ${pkg.modelPath} is missing; ${howToGet(pkg)}`
        this.states.set(name, { name, state: 'missing', message })
        log.warn(message)
        return undefined
      }
      const session = await this.createSession(pkg.modelPath, this.sessionOptions, instances)
      const model = Model.attach(pkg, session)
      this.models.set(name, model)
      this.states.set(name, { name, state: 'ready' })
      log.info(`model ${name} loaded`, { instances, ms: Math.round(performance.now() - started) })
      return model
    } catch (error) {
      const message = error instanceof ServingError ? error.message : `model ${name}: ${(error as Error).message}`
      this.states.set(name, { name, state: 'failed', message })
      log.error(message)
      return undefined
    }
  }

  /** Throws one ModelNotReady naming each of `names` that is not loaded, and why (`what` names the user). */
  requireReady(names: readonly string[], what: string): void {
    const problems = names
      .filter((name) => !this.models.has(name))
      .map((name) => {
        const state = this.states.get(name)
        return state?.message ?? `model ${name} is ${state?.state ?? 'not loaded'}`
      })
    if (problems.length > 0) throw new ModelNotReady(`${what} is not ready: ${problems.join('; ')}`)
  }

  list(): ModelState[] {
    return [...this.states.values()]
  }

  allReady(): boolean {
    return [...this.states.values()].every((s) => s.state === 'ready')
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.models.values()].map((m) => m.close()))
    this.models.clear()
  }
}
