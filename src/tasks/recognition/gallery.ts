/**
 * A recognition gallery: a GalleryIndex of whitened feature vectors plus the whitening fitted on
 * the gallery when it was built (index/NAME/whitening.bin, written before the index exists and
 * never changed after). Callers give raw extractor vectors; whitening is applied here, to gallery
 * items and queries alike, so both live in the same space.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, InvalidInput, NotFound } from '../../engine/errors.js'
import { GalleryIndex, type GalleryHit } from '../../retrieval/gallery-index.js'
import type { GalleryEntry, GalleryItem } from '../../retrieval/id-map.js'
import type { CalibrationSettings, ScoreCalibration } from '../../retrieval/score-calibration.js'
import type { IndexMethod, Metric } from '../../retrieval/vector-index.js'
import { quoteValue } from '../../util/quote.js'
import { DEFAULT_WHITENING_DIMS, MIN_WHITENING_GALLERY } from '../features/feature-defaults.js'
import { decodeWhitening, encodeWhitening } from '../features/whitening-codec.js'
import { fitLearnedWhitening } from '../features/learned-whitening.js'
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
  /** Which whitening (src/tasks/features/learned-whitening.ts); default `learned`. */
  readonly whitening?: 'learned' | 'pca' | undefined
  /** Per-tap segment lengths of the raw vectors. */
  readonly segments: readonly number[]
  /** How the acceptance threshold (score_thres: auto) is fitted on each generation. */
  readonly calibration?: CalibrationSettings | undefined
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
  /** The fitted acceptance threshold of this generation and the counts behind it. */
  readonly calibration: ScoreCalibration
  readonly labels: Record<string, number>
}

export function galleryExists(dir: string): boolean {
  return existsSync(path.join(dir, CURRENT_FILE))
}

/** Identifies the gallery folder now at `dir` (see RecognitionGallery.folderId); undefined when there is none. */
export async function folderIdOf(dir: string): Promise<number | undefined> {
  return stat(dir).then(
    (info) => info.ino,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    },
  )
}

export class RecognitionGallery {
  private constructor(
    readonly name: string,
    readonly index: GalleryIndex,
    private readonly whitening: Whitening | undefined,
    /** The folder's inode when opened: a rebuild (index build --force) moves a new folder in. */
    readonly folderId: number | undefined,
  ) {}

  /** `calibration`: the settings to fit with (the server's config), else the generation's own. */
  static async open(dir: string, calibration?: CalibrationSettings): Promise<RecognitionGallery> {
    const index = await GalleryIndex.open(dir, calibration)
    const file = path.join(dir, WHITENING_FILE)
    const whitening = existsSync(file) ? decodeWhitening(new Uint8Array(await readFile(file))) : undefined
    if (whitening && whitening.outputDim !== index.manifest.dim) {
      throw new ConfigError(`${file} whitens to ${whitening.outputDim} dims but the index in ${dir} holds ${index.manifest.dim}-d vectors`)
    }
    return new RecognitionGallery(path.basename(dir), index, whitening, await folderIdOf(dir))
  }

  /** Creates the gallery from raw vectors; fits whitening on them first when asked and large enough. */
  static async create(dir: string, vectors: readonly Float32Array[], items: readonly GalleryItem[], options: GalleryCreateOptions): Promise<RecognitionGallery> {
    if (galleryExists(dir)) throw new InvalidInput(`${dir} already holds a gallery; remove it first (or use --force)`)
    await rm(dir, { recursive: true, force: true }) // leftovers of an interrupted creation
    const whitening =
      options.whiten && vectors.length >= MIN_WHITENING_GALLERY ? fitGalleryWhitening(vectors, items, options) : undefined
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
      { dim, metric: options.metric, method: options.method, model: options.model, calibration: options.calibration },
      { vectors: concatRows(stored, dim), entries: items.map((item, id) => ({ ...item, id })), nextId: items.length },
    )
    return new RecognitionGallery(path.basename(dir), index, whitening, await folderIdOf(dir))
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

  /** Removes items by id; NotFound (and nothing removed) when one is not in the latest generation. */
  removeIds(ids: readonly number[]): Promise<GalleryEntry[]> {
    return this.index.removeSelected((entries) => {
      const unknown = ids.filter((id) => !entries.some((entry) => entry.id === id))
      if (unknown.length > 0) throw new NotFound(`gallery ${this.name} has no item ${unknown.join(', ')}`)
      return ids
    })
  }

  async remove(ids: readonly number[]): Promise<number> {
    return (await this.removeIds(ids)).length
  }

  /** Removes every item with this label (NotFound when there is none); the removed entries. */
  removeLabel(label: string): Promise<GalleryEntry[]> {
    return this.index.removeSelected((entries) => {
      const ids = entries.filter((entry) => entry.label === label).map((entry) => entry.id)
      if (ids.length === 0) throw new NotFound(`gallery ${this.name} has no item labelled ${quoteValue(label)}`)
      return ids
    })
  }

  /** The threshold reported is the one fitted with the settings the gallery was opened with (the server's config). */
  info(): GalleryInfo {
    // Labels are client text: on a plain object "__proto__" or "toString" would hit Object.prototype.
    const labels: Record<string, number> = Object.create(null)
    for (const entry of this.index.entries) labels[entry.label] = (labels[entry.label] ?? 0) + 1
    const { dim, model, metric, method, generation } = this.index.manifest
    const scoreCalibration = this.index.scoreCalibration()
    return { name: this.name, size: this.index.size, dim, model, metric, method, whitened: this.whitening !== undefined, generation, calibration: scoreCalibration, labels }
  }

  private transform(vector: Float32Array): Float32Array {
    return this.whitening ? applyWhitening(this.whitening, vector) : vector
  }
}

/** Learned whitening from the items' labels unless PCA was asked for or no label has two images. */
function fitGalleryWhitening(vectors: readonly Float32Array[], items: readonly GalleryItem[], options: GalleryCreateOptions): Whitening {
  const labels = items.map((item) => item.label)
  if ((options.whitening ?? 'learned') === 'learned' && new Set(labels).size < labels.length) {
    return fitLearnedWhitening(vectors, labels, DEFAULT_WHITENING_DIMS, options.segments)
  }
  return fitWhitening(vectors, DEFAULT_WHITENING_DIMS, options.segments)
}

function concatRows(rows: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim)
  rows.forEach((row, i) => {
    if (row.length !== dim) throw new InvalidInput(`vector ${i} has ${row.length} values, the gallery holds ${dim}-d vectors`)
    out.set(row, i * dim)
  })
  return out
}
