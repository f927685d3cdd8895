/**
 * The models the KServe adapter serves: every package the registry has loaded (the tasks' and
 * those loaded through the repository API), each behind its own engine op `kserve:<name>`
 * (registered the first time the package is served, with `protocols.kserve.ops` under the
 * package's `models.ops.NAME`), and the repository extension: index, load, unload.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { toOpSettings } from '../../../config/op-settings.js'
import { InvalidInput, ModelNotReady, NotFound, isServingError } from '../../../engine/errors.js'
import type { OpHandle } from '../../../engine/op.js'
import { MANIFEST_FILE } from '../../../runtime/manifest.js'
import type { Model } from '../../../runtime/model.js'
import { hasDynamicBatch } from '../../../runtime/model-signature.js'
import { listModels } from '../../../runtime/pull/list-models.js'
import { clipText } from '../../../util/quote.js'
import type { Services } from '../../services.js'
import type { KServeConfig } from './kserve-config.js'
import { createModelOp, type ModelOpInput, type ModelOpOutput } from './model-op.js'

/** Packages have one version here; Triton's repository layout (export-triton) calls it 1. */
export const MODEL_VERSION = '1'

export type RepositoryState = 'READY' | 'UNAVAILABLE' | 'LOADING'

export interface RepositoryEntry {
  readonly name: string
  readonly version: string
  readonly state: RepositoryState
  readonly reason: string
}

const PACKAGE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

export class ServedModels {
  readonly #ops = new Map<string, OpHandle<ModelOpInput, ModelOpOutput>>()

  constructor(
    private readonly services: Services,
    private readonly config: KServeConfig,
  ) {}

  #settings(name: string) {
    return toOpSettings(this.config.ops, this.services.config.models.ops[name], this.services.cpus)
  }

  /** The version serving `name` now; 404 for a name never loaded, 503 for one that is not loaded now. */
  current(name: string): Model {
    const model = this.services.registry.get(name)
    if (model) return model
    const state = this.services.registry.state(name)
    if (!state) {
      throw new NotFound(`unknown model "${clipText(name)}": it is not loaded (POST /v2/repository/index lists the packages, POST /v2/repository/models/${clipText(name)}/load loads one)`)
    }
    throw new ModelNotReady(state.message ?? `model ${name} is ${state.state}`)
  }

  /** Loaded and, for a remote model, its server answering. */
  isReady(name: string): boolean {
    return this.services.registry.get(name) !== undefined && this.services.registry.state(name)?.state === 'ready'
  }

  /** The op of a loaded package, registered on first use. */
  opFor(model: Model): OpHandle<ModelOpInput, ModelOpOutput> {
    let op = this.#ops.get(model.name)
    if (!op) {
      // A model without a dynamic batch axis runs one request at a time (Triton's max_batch_size 0).
      const maxBatch = hasDynamicBatch(model.signature) ? undefined : 1
      op = this.services.engine.register(createModelOp(model.name), this.#settings(model.name), { maxBatch, model: model.name })
      this.#ops.set(model.name, op)
    }
    return op
  }

  /** Loads (or reloads) a package from models.dir while serving. */
  async load(name: string): Promise<Model> {
    this.#requirePackage(name)
    let model: Model
    try {
      model = await this.services.registry.replace(name, this.#settings(name).concurrency)
    } catch (error) {
      // Spec: a failed load is an HTTP error (typically 400) whose message says why.
      throw new InvalidInput(`failed to load model ${name}: ${isServingError(error) ? error.message : (error as Error).message}`)
    }
    this.opFor(model)
    return model
  }

  /** Unloads a package: requests already admitted finish on it; later ones get 503. */
  async unload(name: string): Promise<void> {
    const message = `model ${name} was unloaded (POST /v2/repository/models/${name}/load to load it again)`
    if (await this.services.registry.unload(name, message)) return
    if (!this.services.registry.state(name)) this.#requirePackage(name)
  }

  /** Every package folder in models.dir with its state here. */
  async index(readyOnly: boolean): Promise<RepositoryEntry[]> {
    const listings = await listModels(this.services.config.models.dir)
    const entries = listings.map((listing): RepositoryEntry => {
      const { registry } = this.services
      const state = registry.state(listing.name)
      const entry = (state: RepositoryState, reason: string) => ({ name: listing.name, version: MODEL_VERSION, state, reason })
      if (this.isReady(listing.name)) return entry('READY', '')
      if (state?.state === 'loading') return entry('LOADING', '')
      if (state?.message) return entry('UNAVAILABLE', state.message)
      if (listing.state === 'invalid') return entry('UNAVAILABLE', listing.description)
      if (listing.state === 'missing') return entry('UNAVAILABLE', `its weights are missing: npx ppserve models pull ${listing.name}`)
      return entry('UNAVAILABLE', 'not loaded')
    })
    return readyOnly ? entries.filter((e) => e.state === 'READY') : entries
  }

  #requirePackage(name: string): void {
    const dir = this.services.config.models.dir
    if (!PACKAGE_NAME.test(name) || !existsSync(path.join(dir, name, MANIFEST_FILE))) {
      throw new NotFound(`no model package "${clipText(name)}" in ${path.resolve(this.services.config.models.dir)} (a folder with a manifest.yml)`)
    }
  }
}
