/**
 * The classification service (PaddleClas behind Paddle Serving's imagenet pipeline): one op per
 * loaded classifier, so requests for the same model batch together. Models are packages whose
 * manifests carry the preprocessing and Topk settings; any PaddleClas-style classifier with
 * aliases `image` and `prediction` works without code changes.
 */
import type { ClassifyServiceConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import { ConfigError, ModelNotReady, NotFound } from '../../engine/errors.js'
import type { OpHandle } from '../../engine/op.js'
import type { RequestContext } from '../../engine/request-context.js'
import { timeStage } from '../../engine/stage-timer.js'
import type { Model } from '../../runtime/model.js'
import { readPackageFile } from '../../runtime/model-package.js'
import type { ModelRegistry } from '../../runtime/model-registry.js'
import { decodeImage, type DecodeLimits } from '../../vision/decode.js'
import { compileFixedSizePreprocess } from '../../vision/preprocess-pipeline.js'
import { parseClassIdMap } from './class-labels.js'
import { resolveClassifyOptions, type ClassifyOptions } from './classify-options.js'
import { createClassifyOp, type Classification, type ClassifyInput } from './classify-op.js'

interface Classifier {
  readonly op: OpHandle<ClassifyInput, Classification>
}

/** Builds the classifier op of one loaded model, checking its package once, at load. */
async function createClassifier(engine: Engine, model: Model, config: ClassifyServiceConfig): Promise<Classifier> {
  const { pkg } = model
  const where = `${pkg.dir}/manifest.yml`
  const topkOp = pkg.manifest.postprocess.find((op) => 'Topk' in op)
  if (!topkOp) throw new ConfigError(`${where}: a classifier needs a Topk postprocess`)
  const labels = parseClassIdMap(await readPackageFile(pkg, topkOp.Topk.class_id_map_file), pkg.files[topkOp.Topk.class_id_map_file]!)
  const [, , height = -1, width = -1] = pkg.feed('image').shape
  const preprocess = compileFixedSizePreprocess(pkg.manifest.preprocess, where, pkg.manifest.channel_order, { width, height })
  pkg.fetch('prediction')
  const op = createClassifyOp(`classify:${pkg.name}`, model, { preprocess, softmax: topkOp.Topk.softmax, labels })
  const settings = config.ops
  return {
    op: engine.register(op, {
      batchSize: settings.batch_size,
      batchTimeoutMs: settings.batch_timeout_ms,
      concurrency: settings.concurrency,
      queueSize: settings.queue_size,
    }),
  }
}

export class ClassificationService {
  private constructor(
    private readonly config: ClassifyServiceConfig,
    private readonly limits: DecodeLimits,
    private readonly classifiers: ReadonlyMap<string, Classifier>,
    private readonly registry: ModelRegistry,
  ) {}

  static async create(engine: Engine, registry: ModelRegistry, config: ClassifyServiceConfig, limits: DecodeLimits): Promise<ClassificationService> {
    const names = [...new Set([config.default_model, ...config.models])]
    const classifiers = new Map<string, Classifier>()
    for (const name of names) {
      const model = await registry.load(name, config.ops.concurrency)
      if (model) classifiers.set(name, await createClassifier(engine, model, config))
    }
    return new ClassificationService(config, limits, classifiers, registry)
  }

  get defaultModel(): string {
    return this.config.default_model
  }

  options(raw: Record<string, unknown>, model: string): ClassifyOptions {
    return resolveClassifyOptions(raw, this.defaultTopk(model))
  }

  /** One classification per image, in order. */
  async classify(model: string, images: readonly Uint8Array[], options: ClassifyOptions, ctx: RequestContext): Promise<Classification[]> {
    const classifier = this.classifier(model)
    return Promise.all(
      images.map(async (bytes) => {
        const image = await timeStage(ctx, 'decode', 'prep', () => ctx.guard(decodeImage(bytes, this.limits)))
        return classifier.op.run({ image, topk: options.topk }, ctx)
      }),
    )
  }

  private defaultTopk(model: string): number {
    return this.registry.has(model) ? (this.registry.get(model).pkg.manifest.postprocess.find((op) => 'Topk' in op)?.Topk.topk ?? 5) : 5
  }

  private classifier(model: string): Classifier {
    const classifier = this.classifiers.get(model)
    if (classifier) return classifier
    const configured = [...new Set([this.config.default_model, ...this.config.models])]
    if (!configured.includes(model)) {
      throw new NotFound(`classifier "${model}" is not served here (configured: ${configured.join(', ')})`)
    }
    const state = this.registry.list().find((s) => s.name === model)
    throw new ModelNotReady(state?.message ?? `classifier ${model} is not loaded`)
  }
}
