/**
 * A loaded model: a package plus a session, addressed by alias. Tensor names from the manifest
 * are checked against the session at load, so a wrong manifest fails start-up, not a request.
 */
import { InferenceError, ModelLoadError } from '../engine/errors.js'
import type { ModelPackage } from './model-package.js'
import type { ModelSession } from './session.js'
import type { Tensor } from './tensor.js'

export class Model {
  private constructor(
    readonly pkg: ModelPackage,
    private readonly session: ModelSession,
  ) {}

  static attach(pkg: ModelPackage, session: ModelSession): Model {
    const missingFeeds = pkg.manifest.feeds.filter((f) => !session.inputNames.includes(f.name))
    const missingFetches = pkg.manifest.fetches.filter((f) => !session.outputNames.includes(f.name))
    if (missingFeeds.length > 0 || missingFetches.length > 0) {
      const parts = [
        ...missingFeeds.map((f) => `feed "${f.name}" (alias ${f.alias}) is not an input; inputs: ${session.inputNames.join(', ')}`),
        ...missingFetches.map((f) => `fetch "${f.name}" (alias ${f.alias}) is not an output; outputs: ${session.outputNames.join(', ')}`),
      ]
      throw new ModelLoadError(`model ${pkg.name}: manifest does not match ${pkg.modelPath}: ${parts.join('; ')}`)
    }
    return new Model(pkg, session)
  }

  get name(): string {
    return this.pkg.name
  }

  /** Runs the model on feeds given by alias and returns every fetch by alias. */
  async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const byName: Record<string, Tensor> = {}
    for (const [alias, tensor] of Object.entries(feeds)) byName[this.pkg.feed(alias).name] = tensor
    const outputs = await this.session.run(byName)
    const byAlias: Record<string, Tensor> = {}
    for (const spec of this.pkg.manifest.fetches) {
      const tensor = outputs[spec.name]
      if (!tensor) throw new InferenceError(`model ${this.name} returned no output ${spec.name}`)
      byAlias[spec.alias] = tensor
    }
    return byAlias
  }

  close(): Promise<void> {
    return this.session.close()
  }
}
