/**
 * Loads the model packages the configured services need and remembers each one's state, so the
 * server can start with a model missing, say which in /readyz, and answer 503 for that service
 * instead of crashing.
 *
 * While serving, a package can also be loaded again (replaced) or unloaded (the KServe model
 * repository API). A replacement is loaded beside the old version and swapped in only once it
 * works; the old version is retired: it closes when the requests holding it are done. Tasks keep
 * the version they loaded at start-up (their ops were built for its manifest), so a version a
 * task loaded is retired from the registry but stays open for that task until shutdown.
 */
import path from 'node:path'
import type { RemoteModelsConfig } from '../config/remote-models.js'
import { ModelNotReady, ServingError } from '../engine/errors.js'
import { log } from '../util/log.js'
import { Model } from './model.js'
import type { ManifestSection } from './manifest-sections.js'
import { loadModelPackage, modelFileExists, type ModelPackage } from './model-package.js'
import { openRemoteSession, type RemoteSession } from './remote-session.js'
import type { ModelSession, SessionOptions } from './session.js'
import { createWorkerPoolSession } from './worker-pool-session.js'

/** 'unreachable': a remote model (models.remote) whose server does not answer; it recovers by itself. */
export type ModelStateName = 'loading' | 'ready' | 'missing' | 'failed' | 'unloaded' | 'unreachable'

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
  /** Packages the tasks load (load()): /readyz waits for these only. */
  readonly #required = new Set<string>()
  /** Versions a task holds: retired from the registry, closed only by closeAll(). */
  readonly #heldByTasks = new Set<Model>()
  /** Retired versions still draining; closeAll() closes them too. */
  readonly #retiring = new Set<Model>()
  /** Per package, the replace/unload in progress, so two of them never interleave. */
  readonly #changing = new Map<string, Promise<unknown>>()
  /** The session of each version served by a KServe v2 server: its health is live. */
  readonly #remoteSessions = new WeakMap<Model, RemoteSession>()

  constructor(
    private readonly modelsDir: string,
    private readonly sessionOptions: SessionOptions,
    private readonly createSession: SessionFactory = createWorkerPoolSession,
    /** Every manifest section the running tasks own; a package naming another fails its load. */
    private readonly sections?: readonly ManifestSection[],
    /** Packages whose model call goes to a KServe v2 server instead of a local session. */
    private readonly remoteModels: RemoteModelsConfig = {},
  ) {}

  /**
   * Loads one package for a task with `instances` parallel sessions (or returns the loaded one);
   * records failure instead of throwing. The task keeps the returned version.
   */
  async load(name: string, instances: number): Promise<Model | undefined> {
    this.#required.add(name)
    const existing = this.models.get(name)
    if (existing) {
      this.#heldByTasks.add(existing)
      return existing
    }
    this.states.set(name, { name, state: 'loading' })
    try {
      const model = await this.#open(name, instances)
      this.models.set(name, model)
      this.#heldByTasks.add(model)
      this.states.set(name, { name, state: 'ready' })
      return model
    } catch (error) {
      this.#recordFailure(name, error)
      return undefined
    }
  }

  /**
   * Loads the package again from its folder while serving and swaps it in; the old version (if
   * any) keeps serving if this load fails, and is retired once the new one is in. Throws the
   * load's error (ServingError) so the caller can answer with it.
   */
  replace(name: string, instances: number): Promise<Model> {
    return this.#serialized(name, async () => {
      const old = this.models.get(name)
      if (!old) this.states.set(name, { name, state: 'loading' })
      let model: Model
      try {
        model = await this.#open(name, instances)
      } catch (error) {
        if (old) log.warn(`model ${name}: reload failed, the loaded version keeps serving`, { reason: (error as Error).message })
        else this.#recordFailure(name, error)
        throw error instanceof ServingError ? error : new ServingError('model_load_error', `model ${name}: ${(error as Error).message}`)
      }
      this.models.set(name, model)
      this.states.set(name, { name, state: 'ready' })
      if (old) void this.#retire(old)
      return model
    })
  }

  /**
   * Stops serving a package: it leaves the registry at once (requireReady and get() see it gone),
   * and its version closes once the requests holding it are done. Resolves when the registry no
   * longer serves it; returns false when it was not loaded.
   */
  unload(name: string, message: string): Promise<boolean> {
    return this.#serialized(name, async () => {
      const model = this.models.get(name)
      if (!model) return false
      this.models.delete(name)
      this.states.set(name, { name, state: 'unloaded', message })
      void this.#retire(model)
      log.info(`model ${name} unloaded`)
      return true
    })
  }

  /** The version serving now, if loaded. */
  get(name: string): Model | undefined {
    return this.models.get(name)
  }

  state(name: string): ModelState | undefined {
    const state = this.states.get(name)
    return state && this.#live(state)
  }

  /** Throws one ModelNotReady naming each of `names` that is not loaded, and why (`what` names the user). */
  requireReady(names: readonly string[], what: string): void {
    const problems = names
      .filter((name) => !this.models.has(name) || this.state(name)?.state !== 'ready')
      .map((name) => {
        const state = this.state(name)
        return state?.message ?? `model ${name} is ${state?.state ?? 'not loaded'}`
      })
    if (problems.length > 0) throw new ModelNotReady(`${what} is not ready: ${problems.join('; ')}`)
  }

  list(): ModelState[] {
    return [...this.states.values()].map((state) => this.#live(state))
  }

  /** Every package a task loads is ready (packages loaded only through replace() do not count). */
  allReady(): boolean {
    return [...this.#required].every((name) => this.state(name)?.state === 'ready')
  }

  async closeAll(): Promise<void> {
    const open = new Set([...this.models.values(), ...this.#heldByTasks, ...this.#retiring])
    await Promise.all([...open].map((m) => m.close()))
    this.models.clear()
    this.#heldByTasks.clear()
  }

  async #open(name: string, instances: number): Promise<Model> {
    const started = performance.now()
    const pkg = await loadModelPackage(path.join(this.modelsDir, name), this.sections)
    const remote = this.remoteModels[name]
    if (!remote && !modelFileExists(pkg)) {
      throw new ModelNotReady(`model ${name}: weights file ${pkg.modelPath} is missing; ${howToGet(pkg)}`)
    }
    const remoteSession = remote && (await openRemoteSession(pkg, remote))
    const model = Model.attach(pkg, remoteSession || (await this.createSession(pkg.modelPath, this.sessionOptions, instances)))
    if (remoteSession) this.#remoteSessions.set(model, remoteSession)
    log.info(`model ${name} loaded`, { instances, ms: Math.round(performance.now() - started) })
    return model
  }

  /** A loaded remote model is only as ready as its server: 'unreachable' while it does not answer. */
  #live(state: ModelState): ModelState {
    const model = this.models.get(state.name)
    const remote = model && this.#remoteSessions.get(model)
    if (state.state !== 'ready' || !remote) return state
    const health = remote.health()
    return health.state === 'ready' ? state : { name: state.name, ...health }
  }

  #recordFailure(name: string, error: unknown): void {
    const missing = error instanceof ModelNotReady
    const message = error instanceof ServingError ? error.message : `model ${name}: ${(error as Error).message}`
    this.states.set(name, { name, state: missing ? 'missing' : 'failed', message })
    if (missing) log.warn(message)
    else log.error(message)
  }

  /** A version a task holds stays open for it; any other closes once drained. */
  async #retire(model: Model): Promise<void> {
    if (this.#heldByTasks.has(model)) return
    this.#retiring.add(model)
    try {
      await model.retire()
    } catch (error) {
      log.warn(`model ${model.name}: cannot close a retired version`, { reason: (error as Error).message })
    } finally {
      this.#retiring.delete(model)
    }
  }

  #serialized<T>(name: string, change: () => Promise<T>): Promise<T> {
    const previous = this.#changing.get(name) ?? Promise.resolve()
    const next = previous.then(change, change)
    const settled = next.catch(() => undefined)
    this.#changing.set(name, settled)
    void settled.then(() => {
      if (this.#changing.get(name) === settled) this.#changing.delete(name)
    })
    return next
  }
}
