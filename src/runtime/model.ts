/**
 * A loaded model: a package plus a session, addressed by alias. The manifest is checked against
 * the session's own tensors at load (names, element types, shapes: src/runtime/model-contract.ts),
 * so a wrong manifest fails start-up, not a request.
 *
 * A model replaced or unloaded while serving is retired, not closed at once: its session closes
 * when the last run() and the last lease (a request that validated against this version and has
 * items queued for it) are done, so in-flight requests finish on the version they started with.
 */
import { STANDALONE_CALL, type BatchCall } from '../engine/batch-call.js'
import { InferenceError, ModelLoadError, ModelNotReady } from '../engine/errors.js'
import { log } from '../util/log.js'
import { contractMismatches, narrowShape } from './model-contract.js'
import type { ModelPackage } from './model-package.js'
import { signatureOf, type ModelSignature } from './model-signature.js'
import type { TensorSpec } from './manifest.js'
import type { ModelSession, TensorInfo } from './session.js'
import type { Tensor } from './tensor.js'

export class Model {
  /** Runs in flight plus leases held. */
  #busy = 0
  #retired: { resolve: () => void; done: Promise<void> } | undefined
  #closed: Promise<void> | undefined

  private constructor(
    readonly pkg: ModelPackage,
    private readonly session: ModelSession,
  ) {}

  /**
   * Checks the manifest against the session and wraps both. On a mismatch it throws a
   * ModelLoadError naming the package and every tensor at fault, and closes the session, since
   * the caller gets no Model to close it with.
   */
  static attach(pkg: ModelPackage, session: ModelSession): Model {
    const mismatches = contractMismatches(pkg.manifest, session)
    if (mismatches.length > 0) {
      void Promise.resolve()
        .then(() => session.close())
        .catch((error: Error) => log.warn(`model ${pkg.name}: cannot close its session`, { reason: error.message }))
      throw new ModelLoadError(
        `model ${pkg.name} (${pkg.dir}/manifest.yml): manifest does not match ${pkg.modelPath}: ${mismatches.join('; ')}`,
      )
    }
    return new Model(pkg, session)
  }

  get name(): string {
    return this.pkg.name
  }

  /** The model's own declaration of the feed with this alias (shape undefined when undeclared). */
  declaredInput(alias: string): TensorInfo {
    return this.#declared(this.pkg.feed(alias))
  }

  /** The feed's shape as manifest and model agree on it: a size fixed on either side is fixed. */
  feedShape(alias: string): number[] {
    const spec = this.pkg.feed(alias)
    return narrowShape(spec.shape, this.#declared(spec).shape)
  }

  /**
   * Most items one run() accepts: the fixed batch (first) axis of the feeds, the smallest if
   * several are fixed; undefined when every feed's batch axis is dynamic.
   */
  get maxBatch(): number | undefined {
    const fixed = this.pkg.manifest.feeds.map((spec) => narrowShape(spec.shape, this.#declared(spec).shape)[0] ?? -1).filter((size) => size > 0)
    return fixed.length > 0 ? Math.min(...fixed) : undefined
  }

  /** Feeds and fetches by real name, with the shapes manifest and model agree on. */
  get signature(): ModelSignature {
    return signatureOf(this.pkg.manifest, this.session)
  }

  #declared(spec: TensorSpec): TensorInfo {
    // attach() checked that every feed is an input.
    return this.session.inputs.find((input) => input.name === spec.name)!
  }

  /** False once retired or closed: new work must go to the registry's current version. */
  get serving(): boolean {
    return this.#retired === undefined && this.#closed === undefined
  }

  /**
   * Keeps this version open until the returned release() is called, even if it is retired
   * meanwhile (a request holds one from validation to its answer). Throws once it is retired.
   */
  acquire(): () => void {
    if (!this.serving) throw this.#gone()
    this.#busy++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#done()
    }
  }

  /** Runs the model on feeds given by alias and returns every fetch by alias. */
  async run(feeds: Readonly<Record<string, Tensor>>, call: BatchCall = STANDALONE_CALL): Promise<Record<string, Tensor>> {
    if (this.#closed) throw this.#gone()
    this.#busy++
    try {
      const byName: Record<string, Tensor> = {}
      for (const [alias, tensor] of Object.entries(feeds)) byName[this.pkg.feed(alias).name] = tensor
      const outputs = await this.session.run(byName, call)
      const byAlias: Record<string, Tensor> = {}
      for (const spec of this.pkg.manifest.fetches) {
        const tensor = outputs[spec.name]
        if (!tensor) throw new InferenceError(`model ${this.name} returned no output ${spec.name}`)
        byAlias[spec.alias] = tensor
      }
      return byAlias
    } finally {
      this.#done()
    }
  }

  /**
   * Stops new leases and closes the session once every run and lease in flight is done; resolves
   * then. Runs may still start meanwhile (items already queued for this version).
   */
  retire(): Promise<void> {
    if (!this.#retired) {
      let resolve!: () => void
      const drained = new Promise<void>((r) => (resolve = r))
      this.#retired = { resolve, done: drained.then(() => this.close()) }
      if (this.#busy === 0) resolve()
    }
    return this.#retired.done
  }

  /** Closes the session now (server shutdown: the engine has already drained its batches). */
  close(): Promise<void> {
    this.#closed ??= this.session.close()
    return this.#closed
  }

  #done(): void {
    if (--this.#busy === 0) this.#retired?.resolve()
  }

  #gone(): ModelNotReady {
    return new ModelNotReady(`model ${this.name}: this version was unloaded or replaced; send the request again`)
  }
}
