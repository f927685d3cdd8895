/**
 * The live galleries of the recognition task: opened once by name, re-opened when the index CLI
 * committed a newer generation, changed over HTTP (add an image under a label, remove by id or
 * by label), and the default one built on first start. Every change is one durable generation.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Engine } from '../../engine/engine.js'
import { InvalidInput, ModelNotReady, NotFound } from '../../engine/errors.js'
import type { RequestContext } from '../../engine/request-context.js'
import { labelProblem } from '../../retrieval/data-file.js'
import type { GalleryItem } from '../../retrieval/id-map.js'
import { faissUnavailableReason } from '../../retrieval/faiss-loader.js'
import { log } from '../../util/log.js'
import { quoteValue } from '../../util/quote.js'
import type { DecodeLimits } from '../../vision/decode.js'
import type { Image } from '../../vision/image.js'
import type { Embedder } from './embedder.js'
import { galleryExists, INDEX_NAME, RecognitionGallery, UPLOADS_DIR, type GalleryInfo } from './gallery.js'
import { embedDataFile } from './gallery-builder.js'
import type { RecognizeConfig } from './recognize-config.js'

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

export class GalleryService {
  private readonly galleries = new Map<string, Promise<RecognitionGallery>>()
  /** The galleries opened so far, as last opened (for the gallery size gauge). */
  readonly #opened = new Map<string, RecognitionGallery>()

  /** `embedder` is undefined while the feature model is not ready: reads work, changes are 503. */
  constructor(
    private readonly config: RecognizeConfig,
    private readonly embedder: Embedder | undefined,
    private readonly modelNotReady: () => never,
  ) {}

  /** The named gallery, opened once; NotFound when it does not exist. */
  open(name: string): Promise<RecognitionGallery> {
    if (!INDEX_NAME.test(name)) throw new InvalidInput(`invalid index name ${quoteValue(name)} (letters, digits, _ . -)`)
    const unavailable = faissUnavailableReason()
    if (unavailable) throw new ModelNotReady(`gallery search is unavailable: ${unavailable}`)
    let opening = this.galleries.get(name)
    if (!opening) {
      const dir = path.join(this.config.indexes_dir, name)
      if (!galleryExists(dir)) {
        throw new NotFound(`gallery index ${name} does not exist in ${this.config.indexes_dir}/ (build it: npx ppserve index build --name ${name} ...)`)
      }
      opening = RecognitionGallery.open(dir)
      opening.then(
        (gallery) => this.#opened.set(name, gallery),
        () => this.galleries.delete(name), // a failed open may be retried later
      )
      this.galleries.set(name, opening)
    }
    return opening.then(async (gallery) => {
      // The index CLI may have changed the folder since it was opened: pick up its generation.
      if (await gallery.index.isStale()) {
        this.galleries.delete(name)
        return this.open(name)
      }
      if (this.embedder && gallery.model !== this.embedder.model) {
        throw new ModelNotReady(
          `gallery ${name} holds ${gallery.model} features but this server extracts ${this.embedder.model}; rebuild the index or set services.recognize.feature_model`,
        )
      }
      return gallery
    })
  }

  /** Adds one image under `label` (the whole image, as build_gallery.py does). */
  async addItem(indexName: string, image: Image, bytes: Uint8Array, label: string, ctx: RequestContext): Promise<AddedItem> {
    return (await this.addItems(indexName, [{ image, bytes, label }], ctx))[0]!
  }

  /** Adds images under their labels as one change (one generation). */
  async addItems(indexName: string, items: readonly NewItem[], ctx: RequestContext): Promise<AddedItem[]> {
    checkLabels(items)
    const embedder = this.embedder ?? this.modelNotReady()
    const gallery = await this.open(indexName)
    const vectors = await embedder.embed(items.map((item) => item.image), ctx)
    ctx.enterCommit()
    const paths = items.map(uploadPath)
    // Keep the uploaded files with the index, under names we choose (clients never name paths).
    await Promise.all(items.map((item, i) => writeUpload(gallery.index.dir, paths[i]!, item.bytes)))
    try {
      const ids = await gallery.add(vectors, items.map((item, i) => ({ path: paths[i]!, label: item.label })))
      return ids.map((id, i) => ({ id, label: items[i]!.label, path: paths[i]! }))
    } catch (error) {
      await Promise.all(paths.map((relative) => rm(path.join(gallery.index.dir, relative), { force: true })))
      throw error
    }
  }

  /** Creates the gallery `name` from images and labels (index settings from the config); it must not exist. */
  async createGallery(name: string, items: readonly NewItem[], ctx: RequestContext): Promise<AddedItem[]> {
    if (!INDEX_NAME.test(name)) throw new InvalidInput(`invalid index name ${quoteValue(name)} (letters, digits, _ . -)`)
    checkLabels(items)
    if (items.length === 0) throw new InvalidInput('a gallery needs at least one image')
    const embedder = this.embedder ?? this.modelNotReady()
    const unavailable = faissUnavailableReason()
    if (unavailable) throw new ModelNotReady(`gallery search is unavailable: ${unavailable}`)
    const dir = path.join(this.config.indexes_dir, name)
    if (galleryExists(dir)) throw new InvalidInput(`gallery index ${name} already exists`)
    const vectors = await embedder.embed(items.map((item) => item.image), ctx)
    ctx.enterCommit()
    const paths = items.map(uploadPath)
    const entries = items.map((item, i) => ({ path: paths[i]!, label: item.label }))
    const gallery = await RecognitionGallery.create(dir, vectors, entries, { model: embedder.model, ...this.config.index, segments: embedder.segments })
    // Written after create(), which clears the folder of an interrupted earlier creation.
    await Promise.all(items.map((item, i) => writeUpload(dir, paths[i]!, item.bytes)))
    this.#opened.set(name, gallery)
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
    const gallery = await this.open(indexName)
    ctx?.enterCommit()
    const entries = gallery.index.entries.filter((e) => ids.includes(e.id))
    await gallery.remove(ids)
    await removeUploads(gallery.index.dir, entries)
  }

  /** Every item's label by id (PaddleX's idMap). */
  async labelsById(indexName: string): Promise<Record<number, string>> {
    return Object.fromEntries((await this.open(indexName)).index.entries.map((e) => [e.id, e.label]))
  }

  /** Items in each gallery opened so far (as of its generation loaded here), by name. */
  openedSizes(): Map<string, number> {
    return new Map([...this.#opened].map(([name, gallery]) => [name, gallery.index.size]))
  }

  /** Removes every item with this label as one change (NotFound when there is none); returns their ids. */
  async removeLabel(indexName: string, label: string, ctx?: RequestContext): Promise<number[]> {
    const gallery = await this.open(indexName)
    ctx?.enterCommit()
    const entries = gallery.index.entries.filter((e) => e.label === label)
    const ids = await gallery.removeLabel(label)
    await removeUploads(gallery.index.dir, entries)
    return ids
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
    const gallery = await RecognitionGallery.create(dir, embedded.vectors, embedded.items, {
      model: this.embedder.model,
      ...this.config.index,
      segments: this.embedder.segments,
    })
    log.info(`gallery index ${gallery.name}: ${gallery.index.size} images, ${gallery.info().dim}-d, whitened ${gallery.info().whitened}`)
  }
}
