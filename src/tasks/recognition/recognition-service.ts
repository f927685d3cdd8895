/**
 * PP-ShiTu recognition (PaddleClas deploy predict_system): decode → mainbody detection (+ the
 * whole image) → crops → features (batched) → gallery search → top-1 over score_thres → NMS.
 * It also keeps the galleries live: items added or removed over HTTP are visible to the next
 * search and durable (each change is one index generation).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { RecognizeServiceConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import { InvalidInput, ModelNotReady, NotFound } from '../../engine/errors.js'
import type { RequestContext } from '../../engine/request-context.js'
import { timeStage } from '../../engine/stage-timer.js'
import { faissUnavailableReason } from '../../retrieval/faiss-loader.js'
import { labelProblem } from '../../retrieval/data-file.js'
import type { ModelRegistry } from '../../runtime/model-registry.js'
import { log } from '../../util/log.js'
import { cropImage } from '../../vision/crop.js'
import { decodeImage, type DecodeLimits } from '../../vision/decode.js'
import type { Image } from '../../vision/image.js'
import { createDetectOp } from '../detection/detect-op.js'
import { loadDetectorSpec } from '../detection/detector-spec.js'
import { MainbodyDetector } from '../detection/mainbody.js'
import { Embedder } from './embedder.js'
import { galleryExists, INDEX_NAME, RecognitionGallery, UPLOADS_DIR, type GalleryInfo } from './gallery.js'
import { embedDataFile } from './gallery-builder.js'
import { selectRecognitions, type RecognizedObject } from './rec-results.js'
import { resolveRecognizeOptions, type RecognizeOptions } from './recognize-options.js'


interface Pipeline {
  readonly detector: MainbodyDetector
  readonly embedder: Embedder
}

const settingsOf = (s: RecognizeServiceConfig['ops']['det']) => ({
  batchSize: s.batch_size,
  batchTimeoutMs: s.batch_timeout_ms,
  concurrency: s.concurrency,
  queueSize: s.queue_size,
})

export class RecognitionService {
  private readonly galleries = new Map<string, Promise<RecognitionGallery>>()

  private constructor(
    private readonly engine: Engine,
    private readonly config: RecognizeServiceConfig,
    private readonly limits: DecodeLimits,
    private readonly pipeline: Pipeline | undefined,
    private readonly registry: ModelRegistry,
  ) {}

  static async create(engine: Engine, registry: ModelRegistry, config: RecognizeServiceConfig, limits: DecodeLimits): Promise<RecognitionService> {
    const [detectorModel, featureModel] = await Promise.all([
      registry.load(config.detector, config.ops.det.concurrency),
      registry.load(config.feature_model, config.ops.features.concurrency),
    ])
    let pipeline: Pipeline | undefined
    if (detectorModel && featureModel) {
      const spec = await loadDetectorSpec(detectorModel.pkg)
      const detectOp = engine.register(createDetectOp(`detect:${detectorModel.name}`, detectorModel, spec), settingsOf(config.ops.det))
      pipeline = {
        detector: new MainbodyDetector(detectOp),
        embedder: Embedder.create(engine, featureModel, settingsOf(config.ops.features)),
      }
    }
    const service = new RecognitionService(engine, config, limits, pipeline, registry)
    await service.prepareDefaultIndex()
    return service
  }

  get defaultIndex(): string {
    return this.config.default_index
  }

  options(raw: Record<string, unknown>): RecognizeOptions {
    return resolveRecognizeOptions(raw, this.config)
  }

  /** One result list per image, PaddleClas fields. */
  async recognize(images: readonly Uint8Array[], options: RecognizeOptions, ctx: RequestContext): Promise<RecognizedObject[][]> {
    const { detector, embedder } = this.requirePipeline()
    const gallery = await this.gallery(options.index)
    const k = Math.max(1, options.returnK ?? 1)
    return Promise.all(
      images.map(async (bytes) => {
        const image = await timeStage(ctx, 'decode', 'prep', () => ctx.guard(decodeImage(bytes, this.limits, 'rgb')))
        const boxes = (await detector.detect(image, ctx, { maxDetResults: options.maxDetResults, threshold: options.detThreshold })).map((d) => d.box)
        const crops = boxes.map((box) => cropBox(image, box))
        const vectors = await embedder.embed(crops, ctx)
        const hits = await timeStage(ctx, 'search', 'midp', () => gallery.search(vectors, k))
        return selectRecognitions(boxes, hits, options)
      }),
    )
  }

  /** Adds one image under `label` (the whole image, as build_gallery.py does); returns its id. */
  async addItem(indexName: string, bytes: Uint8Array, label: string, ctx: RequestContext): Promise<{ id: number; label: string; path: string }> {
    const problem = labelProblem(label)
    if (problem) throw new InvalidInput(`invalid label: ${problem}`)
    const { embedder } = this.requirePipeline()
    const gallery = await this.gallery(indexName)
    const image = await ctx.guard(decodeImage(bytes, this.limits, 'rgb'))
    const [vector] = await embedder.embed([image], ctx)
    // Keep the uploaded file with the index, under a name we choose (clients never name paths).
    const relative = `${UPLOADS_DIR}/${randomUUID()}.img`
    const file = path.join(gallery.index.dir, relative)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, bytes)
    try {
      const [id] = await gallery.add([vector!], [{ path: relative, label }])
      return { id: id!, label, path: relative }
    } catch (error) {
      await rm(file, { force: true })
      throw error
    }
  }

  async removeItem(indexName: string, id: number): Promise<void> {
    const gallery = await this.gallery(indexName)
    const entry = gallery.index.entries.find((e) => e.id === id)
    await gallery.remove([id])
    if (entry?.path.startsWith(`${UPLOADS_DIR}/`)) await rm(path.join(gallery.index.dir, entry.path), { force: true })
  }

  async removeLabel(indexName: string, label: string): Promise<number[]> {
    return (await this.gallery(indexName)).removeLabel(label)
  }

  async info(indexName: string): Promise<GalleryInfo> {
    return (await this.gallery(indexName)).info()
  }

  /** The named gallery, opened once; NotFound when it does not exist. */
  gallery(name: string): Promise<RecognitionGallery> {
    if (!INDEX_NAME.test(name)) throw new InvalidInput(`invalid index name ${JSON.stringify(name)} (letters, digits, _ . -)`)
    const unavailable = faissUnavailableReason()
    if (unavailable) throw new ModelNotReady(`gallery search is unavailable: ${unavailable}`)
    let opening = this.galleries.get(name)
    if (!opening) {
      const dir = path.join(this.config.indexes_dir, name)
      if (!galleryExists(dir)) {
        throw new NotFound(`gallery index ${name} does not exist in ${this.config.indexes_dir}/ (build it: ppserve index build --name ${name} ...)`)
      }
      opening = RecognitionGallery.open(dir)
      opening.catch(() => this.galleries.delete(name)) // a failed open may be retried later
      this.galleries.set(name, opening)
    }
    return opening.then(async (gallery) => {
      // The index CLI may have changed the folder since it was opened: pick up its generation.
      if (await gallery.index.isStale()) {
        this.galleries.delete(name)
        return this.gallery(name)
      }
      if (this.pipeline && gallery.model !== this.pipeline.embedder.model) {
        throw new ModelNotReady(`gallery ${name} holds ${gallery.model} features but this server extracts ${this.pipeline.embedder.model}; rebuild the index or set services.recognize.feature_model`)
      }
      return gallery
    })
  }

  private requirePipeline(): Pipeline {
    if (this.pipeline) return this.pipeline
    const names = [this.config.detector, this.config.feature_model]
    const problems = this.registry
      .list()
      .filter((s) => names.includes(s.name) && s.state !== 'ready')
      .map((s) => s.message ?? `${s.name} is ${s.state}`)
    throw new ModelNotReady(`recognition is not ready: ${problems.join('; ') || 'models not loaded'}`)
  }

  /** Builds the default gallery from `build_missing` on first start, with progress on stderr. */
  private async prepareDefaultIndex(): Promise<void> {
    const dir = path.join(this.config.indexes_dir, this.config.default_index)
    const source = this.config.build_missing
    if (galleryExists(dir) || !source || !this.pipeline || faissUnavailableReason()) return
    log.info(`building gallery index ${this.config.default_index} from ${source.data_file} (first start)`)
    const embedded = await embedDataFile(this.engine, this.pipeline.embedder, {
      dataFile: source.data_file,
      imageRoot: source.image_root,
      strict: false,
      batchSize: 32,
      progress: process.stderr,
      limits: this.limits,
    })
    for (const p of embedded.problems) log.warn(`${source.data_file}:${p.line}: ${p.message}`)
    const gallery = await RecognitionGallery.create(dir, embedded.vectors, embedded.items, {
      model: this.pipeline.embedder.model,
      ...this.config.index,
      segments: this.pipeline.embedder.segments,
    })
    log.info(`gallery index ${gallery.name}: ${gallery.index.size} images, ${gallery.info().dim}-d, whitened ${gallery.info().whitened}`)
  }
}

function cropBox(image: Image, [x1, y1, x2, y2]: readonly [number, number, number, number]): Image {
  const left = Math.max(0, Math.floor(x1))
  const top = Math.max(0, Math.floor(y1))
  const right = Math.min(image.width, Math.ceil(x2))
  const bottom = Math.min(image.height, Math.ceil(y2))
  return cropImage(image, left, top, Math.max(1, right - left), Math.max(1, bottom - top))
}
