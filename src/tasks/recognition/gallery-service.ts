/**
 * The live galleries of the recognition task: opened once by name and kept current with what other
 * processes commit (open-galleries.ts), changed over HTTP (add an image under a label, remove by
 * id or by label) under the folder's cross-process lock, and the default one built on first
 * start. Every change is one durable generation.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Engine } from '../../engine/engine.js'
import { InvalidInput, ModelNotReady } from '../../engine/errors.js'
import type { RequestContext } from '../../engine/request-context.js'
import { labelProblem } from '../../retrieval/data-file.js'
import type { GalleryItem } from '../../retrieval/id-map.js'
import { faissUnavailableReason } from '../../retrieval/faiss-loader.js'
import { describeCalibration } from '../../retrieval/score-calibration.js'
import { withFolderLock, type LockWait } from '../../retrieval/folder-lock.js'
import { log } from '../../util/log.js'
import { quoteValue } from '../../util/quote.js'
import type { DecodeLimits } from '../../vision/decode.js'
import type { Image } from '../../vision/image.js'
import type { Embedder } from './embedder.js'
import { galleryExists, INDEX_NAME, RecognitionGallery, UPLOADS_DIR, type GalleryInfo } from './gallery.js'
import { embedDataFile } from './gallery-builder.js'
import { OpenGalleries } from './open-galleries.js'
import { calibrationSettings, type RecognizeConfig } from './recognize-config.js'

export interface AddedItem {
  readonly id: number
  readonly label: string
  readonly path: string
}

/** An image to add under a label: decoded for the features, and its bytes kept with the index. */
export interface NewItem {
  readonly image: Image
  readonly bytes: Uint8Array
  readonly label: string
}

/** InvalidInput naming the problem (and the character) of a label that cannot be stored. */
export function checkLabel(label: string): void {
  const problem = labelProblem(label)
  if (problem) throw new InvalidInput(`invalid label ${quoteValue(label)}: ${problem}`)
}

function checkLabels(items: readonly NewItem[]): void {
  for (const item of items) checkLabel(item.label)
}

/** A replica building the default gallery may take minutes; another starting meanwhile waits for it. */
const BUILD_LOCK_WAIT_MS = 15 * 60_000

const uploadPath = (): string => `${UPLOADS_DIR}/${randomUUID()}.img`

async function writeUpload(dir: string, relative: string, bytes: Uint8Array): Promise<void> {
  const file = path.join(dir, relative)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, bytes)
}

/** Deletes the stored uploads of removed entries (images a data file names are not ours to delete). */
async function removeUploads(dir: string, entries: readonly GalleryItem[]): Promise<void> {
  for (const entry of entries) {
    if (entry.path.startsWith(`${UPLOADS_DIR}/`)) await rm(path.join(dir, entry.path), { force: true })
  }
}

/**
 * How long a change waits for the folder's lock: what is left of the request's deadline, less a
 * margin so the answer is 503 naming the holder rather than a bare 504. No request: 30 s.
 */
function lockWait(ctx: RequestContext | undefined): LockWait {
  if (!ctx) return {}
  const remaining = ctx.remainingMs()
  return { waitMs: Math.max(0, remaining - Math.min(100, remaining / 5)), signal: ctx.signal }
}

export class GalleryService {
  readonly #galleries: OpenGalleries

  /** `embedder` is undefined while the feature model is not ready: reads work, changes are 503. */
  constructor(
    private readonly config: RecognizeConfig,
    private readonly embedder: Embedder | undefined,
    private readonly modelNotReady: () => never,
  ) {
    const openGallery = (dir: string) => RecognitionGallery.open(dir, calibrationSettings(config))
    this.#galleries = new OpenGalleries(config.indexes_dir, config.gallery.reload_interval_ms, openGallery)
  }

  /** The named gallery, opened once and kept current (open-galleries.ts); NotFound when it does not exist. */
  async open(name: string): Promise<RecognitionGallery> {
    if (!INDEX_NAME.test(name)) throw new InvalidInput(`invalid index name ${quoteValue(name)} (letters, digits, _ . -)`)
    const unavailable = faissUnavailableReason()
    if (unavailable) throw new ModelNotReady(`gallery search is unavailable: ${unavailable}`)
    const gallery = await this.#galleries.get(name)
    if (this.embedder && gallery.model !== this.embedder.model) {
      throw new ModelNotReady(
        `gallery ${name} holds ${gallery.model} features but this server extracts ${this.embedder.model}; rebuild the index or set services.recognize.feature_model`,
      )
    }
    return gallery
  }

  /**
   * Runs a change of gallery `name` under its folder's lock (shared with replicas and the index
   * CLI), on the latest state: whatever another process committed meanwhile is loaded first. The
   * request can no longer be abandoned once it holds the lock.
   */
  async #change<T>(name: string, ctx: RequestContext | undefined, change: (gallery: RecognitionGallery) => Promise<T>): Promise<T> {
    await this.open(name)
    return withFolderLock(
      this.#galleries.dirOf(name),
      async () => {
        ctx?.enterCommit()
        await this.#galleries.sync(name)
        return change(await this.open(name))
      },
      lockWait(ctx),
    )
  }

  /** Adds one image under `label` (the whole image, as build_gallery.py does). */
  async addItem(indexName: string, image: Image, bytes: Uint8Array, label: string, ctx: RequestContext): Promise<AddedItem> {
    return (await this.addItems(indexName, [{ image, bytes, label }], ctx))[0]!
  }

  /** Adds images under their labels as one change (one generation). */
  async addItems(indexName: string, items: readonly NewItem[], ctx: RequestContext): Promise<AddedItem[]> {
    checkLabels(items)
    const embedder = this.embedder ?? this.modelNotReady()
    await this.open(indexName) // NotFound before any model work
    const vectors = await embedder.embed(items.map((item) => item.image), ctx)
    const paths = items.map(uploadPath)
    return this.#change(indexName, ctx, async (gallery) => {
      // Keep the uploaded files with the index, under names we choose (clients never name paths).
      await Promise.all(items.map((item, i) => writeUpload(gallery.index.dir, paths[i]!, item.bytes)))
      try {
        const ids = await gallery.add(vectors, items.map((item, i) => ({ path: paths[i]!, label: item.label })))
        return ids.map((id, i) => ({ id, label: items[i]!.label, path: paths[i]! }))
      } catch (error) {
        await Promise.all(paths.map((relative) => rm(path.join(gallery.index.dir, relative), { force: true })))
        throw error
      }
    })
  }

  /** Creates the gallery `name` from images and labels (index settings from the config); it must not exist. */
  async createGallery(name: string, items: readonly NewItem[], ctx: RequestContext): Promise<AddedItem[]> {
    if (!INDEX_NAME.test(name)) throw new InvalidInput(`invalid index name ${quoteValue(name)} (letters, digits, _ . -)`)
    checkLabels(items)
    if (items.length === 0) throw new InvalidInput('a gallery needs at least one image')
    const embedder = this.embedder ?? this.modelNotReady()
    const unavailable = faissUnavailableReason()
    if (unavailable) throw new ModelNotReady(`gallery search is unavailable: ${unavailable}`)
    const dir = this.#galleries.dirOf(name)
    const exists = () => new InvalidInput(`gallery index ${name} already exists`)
    if (galleryExists(dir)) throw exists()
    const vectors = await embedder.embed(items.map((item) => item.image), ctx)
    const paths = items.map(uploadPath)
    const entries = items.map((item, i) => ({ path: paths[i]!, label: item.label }))
    const gallery = await withFolderLock(
      dir,
      async () => {
        ctx.enterCommit()
        if (galleryExists(dir)) throw exists() // created by another process meanwhile
        const created = await RecognitionGallery.create(dir, vectors, entries, { model: embedder.model, ...this.config.index, segments: embedder.segments, calibration: calibrationSettings(this.config) })
        // Written after create(), which clears the folder of an interrupted earlier creation.
        await Promise.all(items.map((item, i) => writeUpload(dir, paths[i]!, item.bytes)))
        return created
      },
      lockWait(ctx),
    )
    this.#galleries.set(name, gallery)
    return gallery.index.entries.map((entry) => ({ id: entry.id, label: entry.label, path: entry.path }))
  }

  async removeItem(indexName: string, id: number, ctx?: RequestContext): Promise<void> {
    await this.removeItems(indexName, [id], ctx)
  }

  /**
   * Removes items by id as one change; NotFound (and nothing removed) when one is unknown. `ctx`:
   * the request making the change, which can no longer be abandoned once the change starts.
   */
  async removeItems(indexName: string, ids: readonly number[], ctx?: RequestContext): Promise<void> {
    await this.#change(indexName, ctx, async (gallery) => {
      await removeUploads(gallery.index.dir, await gallery.removeIds(ids))
    })
  }

  /** Every item's label by id (PaddleX's idMap). */
  async labelsById(indexName: string): Promise<Record<number, string>> {
    return Object.fromEntries((await this.open(indexName)).index.entries.map((e) => [e.id, e.label]))
  }

  /** Items in each gallery opened so far (as of its generation loaded here), by name. */
  openedSizes(): Map<string, number> {
    return this.#galleries.sizes()
  }

  /** Removes every item with this label as one change (NotFound when there is none); returns their ids. */
  async removeLabel(indexName: string, label: string, ctx?: RequestContext): Promise<number[]> {
    return this.#change(indexName, ctx, async (gallery) => {
      const removed = await gallery.removeLabel(label)
      await removeUploads(gallery.index.dir, removed)
      return removed.map((entry) => entry.id)
    })
  }

  async info(indexName: string): Promise<GalleryInfo> {
    return (await this.open(indexName)).info()
  }

  /** Builds the default gallery from `build_missing` on first start, with progress on stderr. */
  async buildDefaultIfMissing(engine: Engine, limits: DecodeLimits): Promise<void> {
    const dir = path.join(this.config.indexes_dir, this.config.default_index)
    const source = this.config.build_missing
    if (galleryExists(dir) || !source || !this.embedder || faissUnavailableReason()) return
    log.info(`building gallery index ${this.config.default_index} from ${source.data_file} (first start)`)
    const embedded = await embedDataFile(engine, this.embedder, {
      dataFile: source.data_file,
      imageRoot: source.image_root,
      strict: false,
      batchSize: 32,
      progress: process.stderr,
      limits,
    })
    for (const p of embedded.problems) log.warn(`${source.data_file}:${p.line}: ${p.message}`)
    // Replicas starting together on an empty folder all embed; the first to take the lock builds.
    const gallery = await withFolderLock(
      dir,
      async () =>
        galleryExists(dir)
          ? undefined
          : RecognitionGallery.create(dir, embedded.vectors, embedded.items, { model: this.embedder!.model, ...this.config.index, segments: this.embedder!.segments, calibration: calibrationSettings(this.config) }),
      { waitMs: BUILD_LOCK_WAIT_MS },
    )
    if (!gallery) return log.info(`gallery index ${this.config.default_index} was built by another process meanwhile`)
    const info = gallery.info()
    log.info(`gallery index ${gallery.name}: ${info.size} images, ${info.dim}-d, whitened ${info.whitened}, score_thres ${describeCalibration(info.calibration)}`)
  }

  /** Stops keeping the opened galleries current (server shutdown). */
  close(): void {
    this.#galleries.close()
  }
}
