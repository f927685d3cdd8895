/**
 * The OCR service (PaddleOCR TextSystem): det → crops → cls → rec → drop low scores, for one
 * decoded image. It owns its three ops; the shared request path hands it images and options.
 */
import type { RequestContext } from '../../engine/request-context.js'
import { checkDerivedSize } from '../../vision/derived-size.js'
import type { ImageSize } from '../../vision/decode.js'
import type { Image, Quad } from '../../vision/image.js'
import type { TaskKit, TaskService } from '../task.js'
import type { RecognizedText } from './ctc-decode.js'
import { detResizeShape, detScaledSize } from './det-resize.js'
import type { OcrConfig } from './ocr-config.js'
import { detDefaultsOf, type DetDefaults } from './ocr-model-specs.js'
import { registerOcrOps, type OcrOps } from './ocr-ops.js'
import { applyOcrDefaults, type OcrOptions, type ParsedOcrOptions } from './ocr-options.js'
import { cropTextRegion } from './text-crops.js'

/** One line of the response, with PaddleHub `ocr_system` field names. */
export interface OcrLine {
  text?: string
  confidence?: number
  text_region?: Array<[number, number]>
}

/**
 * One PP-OCRv4 det call peaks at 180–210 bytes per input pixel (onnxruntime, CPU arena off:
 * 183 MB at 960×960, 440 MB at 1600×1600), plus its resized, float and output copies.
 */
const DET_BYTES_PER_INPUT_PIXEL = 230

function toRegion(quad: Quad): Array<[number, number]> {
  return quad.map(([x, y]) => [Math.round(x), Math.round(y)] as [number, number])
}

export function ocrModelNames(config: OcrConfig): string[] {
  return [config.models.det, config.models.cls, config.models.rec]
}

export class OcrService implements TaskService<ParsedOcrOptions, OcrOptions, OcrLine[]> {
  private constructor(
    private readonly config: OcrConfig,
    /** Undefined while a model is missing: modelsFor() then makes requests 503 before any work. */
    private readonly ops: OcrOps | undefined,
    /** The det package's resize and DB settings, under the config's overrides. */
    private readonly detDefaults: DetDefaults,
    /** limits.max_image_pixels, for the images derived from a request's (det input, crops). */
    private readonly maxPixels: number,
  ) {}

  /** Loads the three models and registers the ops; a missing model leaves the service not ready. */
  static async create(config: OcrConfig, kit: TaskKit): Promise<OcrService> {
    const [det, cls, rec] = await Promise.all([
      kit.loadModel(config.models.det, config.ops.det),
      kit.loadModel(config.models.cls, config.ops.cls),
      kit.loadModel(config.models.rec, config.ops.rec),
    ])
    const ops = det && cls && rec ? await registerOcrOps(kit, config, det, cls, rec) : undefined
    return new OcrService(config, ops, detDefaultsOf(det?.pkg), kit.limits.maxPixels)
  }

  get channelOrder(): Image['order'] {
    return this.ops?.channelOrder ?? 'bgr'
  }

  resolveOptions(parsed: ParsedOcrOptions): OcrOptions {
    return applyOcrDefaults(parsed, this.config, this.detDefaults)
  }

  modelsFor(): readonly string[] {
    return ocrModelNames(this.config)
  }

  /**
   * The detector's input and activations (DET_BYTES_PER_INPUT_PIXEL) and the line crops, which
   * together cover at most about the image once.
   */
  workingBytes(size: ImageSize, options: OcrOptions): number {
    const crops = 3 * size.width * size.height
    if (!options.det) return crops
    // An input past the pixel limit is refused here already, with what to change, before any decoding.
    this.checkDetInput(size, options)
    const input = detResizeShape(size.width, size.height, options.limitSideLen, options.limitType)
    return DET_BYTES_PER_INPUT_PIXEL * input.width * input.height + crops
  }

  /** The image's lines in reading order. */
  async run(image: Image, options: OcrOptions, ctx: RequestContext): Promise<OcrLine[]> {
    const ops = this.ops!
    if (!options.det) {
      const [text] = await this.readLines(ops, [image], options, ctx)
      return [{ text: text!.text, confidence: text!.confidence }]
    }
    this.checkDetInput(image, options)
    const boxes = await ops.det.run({ image, limitSideLen: options.limitSideLen, limitType: options.limitType, db: options.db }, ctx)
    if (!options.rec) return boxes.map((box) => ({ text_region: toRegion(box.quad) }))
    const crops = boxes.map((box) => cropTextRegion(image, box.quad, this.maxPixels))
    const texts = await this.readLines(ops, crops, options, ctx)
    const lines: OcrLine[] = []
    texts.forEach((text, i) => {
      if (text.confidence >= options.dropScore) {
        lines.push({ text: text.text, confidence: text.confidence, text_region: toRegion(boxes[i]!.quad) })
      }
    })
    return lines
  }

  /**
   * limit_type min scales the short side up: 8000×4 at 960 would be a 1,920,000×960 input. Checked
   * before rounding to 32, so an image within the limit never fails on the rounding alone.
   */
  private checkDetInput(image: ImageSize, options: OcrOptions): void {
    const { width, height } = detScaledSize(image.width, image.height, options.limitSideLen, options.limitType)
    const what = `the text detection input for this ${image.width}×${image.height} image (limit_type ${options.limitType}, limit_side_len ${options.limitSideLen})`
    checkDerivedSize(width, height, this.maxPixels, what, 'use limit_type max or a smaller limit_side_len, or send an image with less extreme proportions')
  }

  private async readLines(ops: OcrOps, crops: Image[], options: OcrOptions, ctx: RequestContext): Promise<RecognizedText[]> {
    if (crops.length === 0) return []
    const upright = options.cls ? (await ops.cls.run({ crops, thresh: options.clsThresh }, ctx)).crops : crops
    return ops.rec.run({ crops: upright }, ctx)
  }
}
