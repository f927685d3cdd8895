/**
 * The classification service (PaddleClas behind Paddle Serving's imagenet pipeline): one op per
 * loaded classifier, so requests for the same model batch together. Any PaddleClas-style package
 * with aliases `image` and `prediction` works without code changes.
 */
import { NotFound } from '../../engine/errors.js'
import type { RequestContext } from '../../engine/request-context.js'
import type { Image } from '../../vision/image.js'
import type { TaskKit, TaskService } from '../task.js'
import { createClassifier, type Classifier } from './classifier.js'
import type { ClassifyConfig } from './classify-config.js'
import type { ClassifyOptions, ParsedClassifyOptions } from './classify-options.js'
import type { Classification } from './classify-op.js'

/** PaddleClas's Topk default, for a model that is not loaded (its request fails as not ready). */
const DEFAULT_TOPK = 5

export function classifierNames(config: ClassifyConfig): string[] {
  return [...new Set([config.default_model, ...config.models])]
}

export class ClassificationService implements TaskService<ParsedClassifyOptions, ClassifyOptions, Classification> {
  readonly channelOrder = 'rgb' as const

  private constructor(
    private readonly config: ClassifyConfig,
    private readonly classifiers: ReadonlyMap<string, Classifier>,
  ) {}

  /** Loads every configured classifier; one that is missing leaves the others serving. */
  static async create(config: ClassifyConfig, kit: TaskKit): Promise<ClassificationService> {
    const classifiers = new Map<string, Classifier>()
    for (const name of classifierNames(config)) {
      const model = await kit.loadModel(name, config.ops)
      if (model) classifiers.set(name, await createClassifier(kit, model, config))
    }
    return new ClassificationService(config, classifiers)
  }

  /** `model` (the route's `/classify/{model}`) must be a configured classifier. */
  resolveOptions(parsed: ParsedClassifyOptions): ClassifyOptions {
    const model = parsed.model ?? this.config.default_model
    const configured = classifierNames(this.config)
    if (!configured.includes(model)) throw new NotFound(`classifier "${model}" is not served here (configured: ${configured.join(', ')})`)
    return { model, topk: parsed.topk ?? this.classifiers.get(model)?.defaultTopk ?? DEFAULT_TOPK }
  }

  modelsFor(options: ClassifyOptions): readonly string[] {
    return [options.model]
  }

  run(image: Image, options: ClassifyOptions, ctx: RequestContext): Promise<Classification> {
    return this.classifiers.get(options.model)!.op.run({ image, topk: options.topk }, ctx)
  }
}
