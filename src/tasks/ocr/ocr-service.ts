/**
 * The OCR service (PaddleOCR TextSystem): decode → det → crops → cls → rec → drop low scores.
 * It owns its three ops and models; the server only hands it image bytes and raw options.
 */
import type { OcrServiceConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import { ModelNotReady } from '../../engine/errors.js'
import type { OpHandle } from '../../engine/op.js'
import type { RequestContext } from '../../engine/request-context.js'
import { timeStage } from '../../engine/stage-timer.js'
import type { Model } from '../../runtime/model.js'
import { normalizationOf, readPackageFile } from '../../runtime/model-package.js'
import type { ModelRegistry } from '../../runtime/model-registry.js'
import { decodeImage, type DecodeLimits } from '../../vision/decode.js'
import type { Image, Quad } from '../../vision/image.js'
import { createClsOp, type ClsInput, type ClsOutput } from './cls-op.js'
import { ctcCharset, type RecognizedText } from './ctc-decode.js'
import type { TextBox } from './db-postprocess.js'
import { createDetOp, type DetInput } from './det-op.js'
import { resolveOcrOptions, type OcrOptions } from './ocr-options.js'
import { createRecOp, type RecInput } from './rec-op.js'
import { cropTextRegion } from './text-crops.js'

/** One line of the response, with PaddleHub `ocr_system` field names. */
export interface OcrLine {
  text?: string
  confidence?: number
  text_region?: Array<[number, number]>
}

interface OcrOps {
  det: OpHandle<DetInput, TextBox[]>
  cls: OpHandle<ClsInput, ClsOutput>
  rec: OpHandle<RecInput, RecognizedText[]>
  channelOrder: Image['order']
}

/** Widest text line fed to the recogniser (PaddleOCR has no cap; this bounds memory per crop). */
const MAX_REC_WIDTH = 48 * 100

function toRegion(quad: Quad): Array<[number, number]> {
  return quad.map(([x, y]) => [Math.round(x), Math.round(y)] as [number, number])
}

export class OcrService {
  private constructor(
    private readonly config: OcrServiceConfig,
    private readonly limits: DecodeLimits,
    private readonly ops: OcrOps | undefined,
    private readonly modelNames: readonly string[],
    private readonly registry: ModelRegistry,
  ) {}

  /** Loads the three models and registers the ops; a missing model leaves the service not ready. */
  static async create(engine: Engine, registry: ModelRegistry, config: OcrServiceConfig, limits: DecodeLimits): Promise<OcrService> {
    const { det: detName, cls: clsName, rec: recName } = config.models
    const [det, cls, rec] = await Promise.all([
      registry.load(detName, config.ops.det.concurrency),
      registry.load(clsName, config.ops.cls.concurrency),
      registry.load(recName, config.ops.rec.concurrency),
    ])
    const names = [detName, clsName, recName]
    const ops = det && cls && rec ? await OcrService.registerOps(engine, config, det, cls, rec) : undefined
    return new OcrService(config, limits, ops, names, registry)
  }

  private static async registerOps(engine: Engine, config: OcrServiceConfig, det: Model, cls: Model, rec: Model): Promise<OcrOps> {
    const charset = ctcCharset(await readPackageFile(rec.pkg, 'dictionary'))
    const settings = (s: OcrServiceConfig['ops']['det']) => ({
      batchSize: s.batch_size,
      batchTimeoutMs: s.batch_timeout_ms,
      concurrency: s.concurrency,
      queueSize: s.queue_size,
    })
    return {
      det: engine.register(createDetOp(det, normalizationOf(det.pkg)), settings(config.ops.det)),
      cls: engine.register(createClsOp(cls, normalizationOf(cls.pkg)), settings(config.ops.cls)),
      rec: engine.register(createRecOp(rec, normalizationOf(rec.pkg), charset, MAX_REC_WIDTH), settings(config.ops.rec)),
      channelOrder: det.pkg.manifest.channel_order,
    }
  }

  get ready(): boolean {
    return this.ops !== undefined
  }

  /** Validates raw request options against the schema and the configured defaults. */
  options(raw: Record<string, unknown>): OcrOptions {
    return resolveOcrOptions(raw, this.config)
  }

  /** One result list per image, in reading order. */
  async recognize(images: readonly Uint8Array[], options: OcrOptions, ctx: RequestContext): Promise<OcrLine[][]> {
    const ops = this.requireOps()
    return Promise.all(images.map((bytes) => this.recognizeOne(ops, bytes, options, ctx)))
  }

  private requireOps(): OcrOps {
    if (this.ops) return this.ops
    const problems = this.registry
      .list()
      .filter((state) => this.modelNames.includes(state.name) && state.state !== 'ready')
      .map((state) => state.message ?? `${state.name} is ${state.state}`)
    throw new ModelNotReady(`OCR service is not ready: ${problems.join('; ') || 'models not loaded'}`)
  }

  private async recognizeOne(ops: OcrOps, bytes: Uint8Array, options: OcrOptions, ctx: RequestContext): Promise<OcrLine[]> {
    const image = await timeStage(ctx, 'decode', 'prep', () => ctx.guard(decodeImage(bytes, this.limits, ops.channelOrder)))
    if (!options.det) {
      const [text] = await this.readLines(ops, [image], options, ctx)
      return [{ text: text!.text, confidence: text!.confidence }]
    }
    const boxes = await ops.det.run({ image, limitSideLen: options.limitSideLen, limitType: options.limitType, db: options.db }, ctx)
    if (!options.rec) return boxes.map((box) => ({ text_region: toRegion(box.quad) }))
    const crops = boxes.map((box) => cropTextRegion(image, box.quad))
    const texts = await this.readLines(ops, crops, options, ctx)
    const lines: OcrLine[] = []
    texts.forEach((text, i) => {
      if (text.confidence >= options.dropScore) {
        lines.push({ text: text.text, confidence: text.confidence, text_region: toRegion(boxes[i]!.quad) })
      }
    })
    return lines
  }

  private async readLines(ops: OcrOps, crops: Image[], options: OcrOptions, ctx: RequestContext): Promise<RecognizedText[]> {
    if (crops.length === 0) return []
    const upright = options.cls ? (await ops.cls.run({ crops, thresh: options.clsThresh }, ctx)).crops : crops
    return ops.rec.run({ crops: upright }, ctx)
  }
}
