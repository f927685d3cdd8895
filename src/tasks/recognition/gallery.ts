/**
 * A recognition gallery: a GalleryIndex of whitened feature vectors plus the whitening fitted on
 * the gallery when it was built (index/NAME/whitening.bin, written before the index exists and
 * never changed after). Callers give raw extractor vectors; whitening is applied here, to gallery
 * items and queries alike, so both live in the same space.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, InvalidInput, NotFound } from '../../engine/errors.js'
import { GalleryIndex, type GalleryHit } from '../../retrieval/gallery-index.js'
import type { GalleryItem } from '../../retrieval/id-map.js'
import type { IndexMethod, Metric } from '../../retrieval/vector-index.js'
import { quoteValue } from '../../util/quote.js'
import { DEFAULT_WHITENING_DIMS, MIN_WHITENING_GALLERY } from '../features/feature-defaults.js'
import { decodeWhitening, encodeWhitening } from '../features/whitening-codec.js'
import { applyWhitening, fitWhitening, type Whitening } from '../features/whitening.js'

const WHITENING_FILE = 'whitening.bin'
const CURRENT_FILE = 'CURRENT'

/** Gallery index names: folder names that cannot climb out of the indexes folder. */
export const INDEX_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/

/** Images added over HTTP are kept in this folder of the index, under names the server picks. */
export const UPLOADS_DIR = 'uploads'

export interface GalleryCreateOptions {
  readonly model: string
  readonly metric: Metric
  readonly method: IndexMethod
  /** Fit whitening when the gallery has at least MIN_WHITENING_GALLERY images (default true). */
  readonly whiten: boolean
  /** Per-tap segment lengths of the raw vectors. */
  readonly segments: readonly number[]
}

export interface GalleryInfo {
  readonly name: string
  readonly size: number
  readonly dim: number
  readonly model: string
  readonly metric: Metric
  readonly method: IndexMethod
  readonly whitened: boolean
  readonly generation: number
  readonly labels: Record<string, number>
}

export function galleryExists(dir: string): boolean {
  return existsSync(path.join(dir, CURRENT_FILE))
}

export class RecognitionGallery {
  private constructor(
    readonly name: string,
    readonly index: GalleryIndex,
    private readonly whitening: Whitening | undefined,
  ) {}

  static async open(dir: string): Promise<RecognitionGallery> {
    const index = await GalleryIndex.open(dir)
    const file = path.join(dir, WHITENING_FILE)
    const whitening = existsSync(file) ? decodeWhitening(new Uint8Array(await readFile(file))) : undefined
    if (whitening && whitening.outputDim !== index.manifest.dim) {
      throw new ConfigError(`${file} whitens to ${whitening.outputDim} dims but the index in ${dir} holds ${index.manifest.dim}-d vectors`)
    }
    return new RecognitionGallery(path.basename(dir), index, whitening)
  }

  /** Creates the gallery from raw vectors; fits whitening on them first when asked and large enough. */
  static async create(dir: string, vectors: readonly Float32Array[], items: readonly GalleryItem[], options: GalleryCreateOptions): Promise<RecognitionGallery> {
    if (galleryExists(dir)) throw new InvalidInput(`${dir} already holds a gallery; remove it first (or use --force)`)
    await rm(dir, { recursive: true, force: true }) // leftovers of an interrupted creation
    const whitening =
      options.whiten && vectors.length >= MIN_WHITENING_GALLERY ? fitWhitening(vectors, DEFAULT_WHITENING_DIMS, options.segments) : undefined
    const dim = whitening ? whitening.outputDim : (vectors[0]?.length ?? 0)
    if (dim === 0) throw new InvalidInput('a gallery needs at least one image')
    if (whitening) {
      await mkdir(dir, { recursive: true })
      const temporary = path.join(dir, `${WHITENING_FILE}.tmp`)
      await writeFile(temporary, encodeWhitening(whitening))
      await rename(temporary, path.join(dir, WHITENING_FILE))
    }
    const stored = vectors.map((v) => (whitening ? applyWhitening(whitening, v) : v))
    const index = await GalleryIndex.create(
      dir,
      { dim, metric: options.metric, method: options.method, model: options.model },
      { vectors: concatRows(stored, dim), entries: items.map((item, id) => ({ ...item, id })), nextId: items.length },
    )
    return new RecognitionGallery(path.basename(dir), index, whitening)
  }

  get model(): string {
    return this.index.manifest.model
  }

  /**
   * Nearest entries for each raw query vector, best first. Scores are cosine similarities for
   * both metrics (for unit vectors an L2 squared distance d is similarity 1 − d/2), so one
   * score_thres means the same thing whatever the index.
   */
  async search(vectors: readonly Float32Array[], k: number): Promise<GalleryHit[][]> {
    if (vectors.length === 0) return []
    const hits = await this.index.search(concatRows(vectors.map((v) => this.transform(v)), this.index.manifest.dim), k)
    if (this.index.manifest.metric === 'IP') return hits
    return hits.map((row) => row.map((hit) => ({ ...hit, score: 1 - hit.score / 2 })))
  }

  add(vectors: readonly Float32Array[], items: readonly GalleryItem[]): Promise<number[]> {
    return this.index.add(concatRows(vectors.map((v) => this.transform(v)), this.index.manifest.dim), items)
  }

  remove(ids: readonly number[]): Promise<number> {
    const unknown = ids.filter((id) => !this.index.entries.some((entry) => entry.id === id))
    if (unknown.length > 0) throw new NotFound(`gallery ${this.name} has no item ${unknown.join(', ')}`)
    return this.index.remove(ids)
  }

  /** Removes every item with this label; NotFound when there is none. */
  async removeLabel(label: string): Promise<number[]> {
    const ids = this.index.entries.filter((entry) => entry.label === label).map((entry) => entry.id)
    if (ids.length === 0) throw new NotFound(`gallery ${this.name} has no item labelled ${quoteValue(label)}`)
    await this.index.remove(ids)
    return ids
  }

  info(): GalleryInfo {
    // Labels are client text: on a plain object "__proto__" or "toString" would hit Object.prototype.
    const labels: Record<string, number> = Object.create(null)
    for (const entry of this.index.entries) labels[entry.label] = (labels[entry.label] ?? 0) + 1
    const { dim, model, metric, method, generation } = this.index.manifest
    return { name: this.name, size: this.index.size, dim, model, metric, method, whitened: this.whitening !== undefined, generation, labels }
  }

  private transform(vector: Float32Array): Float32Array {
    return this.whitening ? applyWhitening(this.whitening, vector) : vector
  }
}

function concatRows(rows: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim)
  rows.forEach((row, i) => {
    if (row.length !== dim) throw new InvalidInput(`vector ${i} has ${row.length} values, the gallery holds ${dim}-d vectors`)
    out.set(row, i * dim)
  })
  return out
}
