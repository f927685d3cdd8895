/**
 * PP-ShiTu recognition (PaddleClas deploy predict_system) for one decoded image: mainbody
 * detection (+ the whole image) → crops → features (batched) → gallery search → top-1 over
 * score_thres (`auto`: the gallery's fitted one) → NMS. The galleries themselves are the GalleryService's.
 */
import type { RequestContext } from '../../engine/request-context.js'
import { timeStage } from '../../engine/stage-timer.js'
import { cropImage } from '../../vision/crop.js'
import type { ImageSize } from '../../vision/decode.js'
import type { Image } from '../../vision/image.js'
import { createDetectOp } from '../detection/detect-op.js'
import { loadDetectorSpec } from '../detection/detector-spec.js'
import { MainbodyDetector } from '../detection/mainbody.js'
import type { TaskKit, TaskService } from '../task.js'
import { Embedder } from './embedder.js'
import type { RecognitionGallery } from './gallery.js'
import { GalleryService } from './gallery-service.js'
import { selectRecognitions, type RecognizedObject } from './rec-results.js'
import type { RecognizeConfig } from './recognize-config.js'
import { applyRecognizeDefaults, type ParsedRecognizeOptions, type RecognizeOptions } from './recognize-options.js'

interface Pipeline {
  readonly detector: MainbodyDetector
  readonly embedder: Embedder
}

export function recognitionModelNames(config: RecognizeConfig): string[] {
  return [config.detector, config.feature_model]
}

export class RecognitionService implements TaskService<ParsedRecognizeOptions, RecognizeOptions, RecognizedObject[]> {
  readonly channelOrder = 'rgb' as const

  private constructor(
    private readonly config: RecognizeConfig,
    private readonly pipeline: Pipeline | undefined,
    readonly galleries: GalleryService,
  ) {}

  static async create(config: RecognizeConfig, kit: TaskKit): Promise<RecognitionService> {
    const [detectorModel, featureModel] = await Promise.all([
      kit.loadModel(config.detector, config.ops.det),
      kit.loadModel(config.feature_model, config.ops.features),
    ])
    const embedder = featureModel && Embedder.create(featureModel, (op) => kit.registerOp(op, featureModel, config.ops.features))
    let pipeline: Pipeline | undefined
    if (detectorModel && embedder) {
      const spec = await loadDetectorSpec(detectorModel.pkg)
      const detectOp = kit.registerOp(createDetectOp(`detect:${detectorModel.name}`, detectorModel, spec), detectorModel, config.ops.det)
      pipeline = { detector: new MainbodyDetector(detectOp, { ignoreLabels: spec.mainbodyIgnoreLabels }), embedder }
    }
    const notReady = (): never => kit.registry.requireReady([config.feature_model], 'the gallery') as never
    const galleries = new GalleryService(config, embedder, notReady)
    await galleries.buildDefaultIfMissing(kit.engine, kit.limits)
    return new RecognitionService(config, pipeline, galleries)
  }

  resolveOptions(parsed: ParsedRecognizeOptions): RecognizeOptions {
    return applyRecognizeDefaults(parsed, this.config)
  }

  modelsFor(): readonly string[] {
    return recognitionModelNames(this.config)
  }

  /** The crops: up to max_det_results boxes and the whole image, each at most the image's size. */
  workingBytes(size: ImageSize, options: RecognizeOptions): number {
    return 3 * size.width * size.height * (options.maxDetResults + 1)
  }

  /** PaddleClas's fields for each recognised object of the image. */
  async run(image: Image, options: RecognizeOptions, ctx: RequestContext): Promise<RecognizedObject[]> {
    const { detector, embedder } = this.pipeline!
    const gallery = await this.galleries.open(options.index)
    const detections = await detector.detect(image, ctx, { maxDetResults: options.maxDetResults, threshold: options.detThreshold })
    const boxes = detections.map((d) => d.box)
    const vectors = await embedder.embed(boxes.map((box) => cropBox(image, box)), ctx)
    const hits = await timeStage(ctx, 'search', 'midp', () => gallery.search(vectors, Math.max(1, options.returnK ?? 1)))
    const scoreThres = resolveScoreThres(options.scoreThres, gallery, this.config)
    const objects = selectRecognitions(boxes, hits, { ...options, scoreThres }, detections.map((d) => d.score))
    for (const o of objects) o.score_thres = scoreThres
    return objects
  }
}

/** A number is the request's or the config's; `auto` the gallery generation's fitted one, or the configured fallback when it could not be fitted. */
export function resolveScoreThres(scoreThres: number | 'auto', gallery: RecognitionGallery, config: RecognizeConfig): number {
  if (scoreThres !== 'auto') return scoreThres
  return gallery.index.scoreCalibration().threshold ?? config.score_calibration.fallback
}

function cropBox(image: Image, [x1, y1, x2, y2]: readonly [number, number, number, number]): Image {
  const left = Math.max(0, Math.floor(x1))
  const top = Math.max(0, Math.floor(y1))
  const right = Math.min(image.width, Math.ceil(x2))
  const bottom = Math.min(image.height, Math.ceil(y2))
  return cropImage(image, left, top, Math.max(1, right - left), Math.max(1, bottom - top))
}
