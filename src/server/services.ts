/**
 * The composition root: from a validated config, build the engine, load the models and create
 * every enabled service. Shared by `serve`, the tests and the benchmarks.
 */
import type { ServingConfig } from '../config/schema.js'
import { Engine } from '../engine/engine.js'
import { Tracer } from '../engine/tracer.js'
import { ModelRegistry, type SessionFactory } from '../runtime/model-registry.js'
import type { SessionOptions } from '../runtime/session.js'
import { ClassificationService } from '../tasks/classification/classification-service.js'
import { OcrService } from '../tasks/ocr/ocr-service.js'
import { RecognitionService } from '../tasks/recognition/recognition-service.js'
import { log } from '../util/log.js'
import type { DecodeLimits } from '../vision/decode.js'

export interface Services {
  readonly config: Readonly<ServingConfig>
  readonly engine: Engine
  readonly registry: ModelRegistry
  readonly ocr: OcrService | undefined
  readonly classify: ClassificationService | undefined
  readonly recognize: RecognitionService | undefined
  /** Rejects queued work, waits for running batches, releases the models. */
  stop(): Promise<void>
}

export function sessionOptionsOf(config: ServingConfig): SessionOptions {
  return {
    intraOpThreads: config.runtime.intra_op_threads,
    interOpThreads: config.runtime.inter_op_threads,
    graphOptimization: config.runtime.graph_optimization,
    executionProviders: config.runtime.execution_providers,
  }
}

/** Every model package the enabled services load. */
export function modelNamesOf(config: ServingConfig): string[] {
  const names: string[] = []
  const { ocr, classify } = config.services
  if (ocr.enabled) names.push(ocr.models.det, ocr.models.cls, ocr.models.rec)
  if (classify.enabled) names.push(classify.default_model, ...classify.models)
  const { recognize } = config.services
  if (recognize.enabled) names.push(recognize.detector, recognize.feature_model)
  return [...new Set(names)]
}

export function decodeLimitsOf(config: ServingConfig): DecodeLimits {
  return { maxPixels: config.limits.max_image_pixels, minSide: config.limits.min_image_side }
}

export async function createServices(
  config: Readonly<ServingConfig>,
  options: { sessionFactory?: SessionFactory } = {},
): Promise<Services> {
  const tracer = new Tracer()
  const engine = new Engine({ tracer, defaultDeadlineMs: config.limits.default_deadline_ms })
  const registry = new ModelRegistry(config.models.dir, sessionOptionsOf(config), options.sessionFactory)
  const ocrConfig = config.services.ocr
  const classifyConfig = config.services.classify
  const recognizeConfig = config.services.recognize
  const limits = decodeLimitsOf(config)
  const [ocr, classify, recognize] = await Promise.all([
    ocrConfig.enabled ? OcrService.create(engine, registry, ocrConfig, limits) : undefined,
    classifyConfig.enabled ? ClassificationService.create(engine, registry, classifyConfig, limits) : undefined,
    recognizeConfig.enabled ? RecognitionService.create(engine, registry, recognizeConfig, limits) : undefined,
  ])
  if (config.tracer.enabled) tracer.start(config.tracer.interval_s, (line) => log.info(line))
  return {
    config,
    engine,
    registry,
    ocr,
    classify,
    recognize,
    async stop() {
      await engine.stop()
      await registry.closeAll()
    },
  }
}
