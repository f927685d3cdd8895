/**
 * `ppserve index build` and `append`: a PaddleClas data file's images through the feature model
 * (batched, progress on stderr, bad lines reported by line number), then one new index, or one
 * new generation of an existing one.
 */
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { InvalidInput, NotFound } from '../engine/errors.js'
import type { DataFileProblem } from '../retrieval/data-file.js'
import type { IndexMethod, Metric } from '../retrieval/vector-index.js'
import { galleryExists, RecognitionGallery, type GalleryInfo } from '../tasks/recognition/gallery.js'
import { embedDataFile, type EmbeddedGallery } from '../tasks/recognition/gallery-builder.js'
import { calibrationSettings } from '../tasks/recognition/recognize-config.js'
import { startFeatureExtractor } from './index-extractor.js'
import { existsError, installIndex, withIndexLock } from './index-folder.js'
import { requireFaiss, type IndexSettings } from './index-settings.js'

export interface EmbedRequest {
  readonly dataFile: string
  readonly imageRoot: string
  readonly strict: boolean
  readonly batchSize: number
}

export interface BuildRequest extends EmbedRequest {
  readonly model: string
  readonly method: IndexMethod
  readonly metric: Metric
  readonly whiten: boolean
  readonly force: boolean
}

export interface AppendRequest extends EmbedRequest {
  /** Must be the index's model when given. */
  readonly model: string | undefined
}

export interface IndexChange {
  readonly action: 'build' | 'append'
  /** The index after the change. */
  readonly info: GalleryInfo
  readonly dir: string
  readonly dataFile: string
  /** Images added by this change, and the index's size before it (0 for build). */
  readonly added: number
  readonly sizeBefore: number
  /** Ids given to the added images (append). */
  readonly ids: readonly number[]
  readonly problems: readonly DataFileProblem[]
  /** Length of the extractor's vectors (before whitening). */
  readonly rawDim: number
  readonly seconds: number
}

/** Fails before any model is loaded when the data file or the image root is not there. */
async function checkInputs(request: EmbedRequest): Promise<void> {
  const file = await stat(request.dataFile).catch((error: Error) => error)
  if (file instanceof Error) throw new InvalidInput(`cannot read data file ${request.dataFile}: ${file.message}`, { cause: file })
  if (!file.isFile()) throw new InvalidInput(`data file ${request.dataFile} is not a file`)
  const root = await stat(request.imageRoot).catch((error: Error) => error)
  if (root instanceof Error) throw new InvalidInput(`cannot read image root ${request.imageRoot}: ${root.message}`, { cause: root })
  if (!root.isDirectory()) throw new InvalidInput(`image root ${request.imageRoot} is not a folder`)
}

async function embed(settings: IndexSettings, model: string, request: EmbedRequest): Promise<EmbeddedGallery & { rawDim: number; segments: readonly number[] }> {
  const extractor = await startFeatureExtractor(settings, model, request.batchSize)
  try {
    const { engine, embedder, limits } = extractor
    process.stderr.write(`index: embedding the images of ${request.dataFile} with ${model} (batches of ${request.batchSize})\n`)
    const embedded = await embedDataFile(engine, embedder, { ...request, progress: process.stderr, limits })
    for (const problem of embedded.problems) process.stderr.write(`${request.dataFile}:${problem.line}: ${problem.message} (skipped)\n`)
    if (embedded.vectors.length === 0) {
      throw new InvalidInput(`no image of ${request.dataFile} could be embedded (${embedded.problems.length} problem line(s)); nothing was written`)
    }
    return { ...embedded, rawDim: embedder.dim, segments: embedder.segments }
  } finally {
    await extractor.close()
  }
}

export async function buildIndex(settings: IndexSettings, request: BuildRequest): Promise<IndexChange> {
  requireFaiss()
  await checkInputs(request)
  // Checked again under the lock; this one spares the embedding when the answer is already no.
  if (existsSync(settings.dir) && !request.force) throw existsError(settings.dir)
  const started = performance.now()
  // Embedded before the lock is taken: a server sharing the folder keeps making its changes
  // meanwhile (minutes for a large gallery), and the lock is held only to install the result.
  const embedded = await embed(settings, request.model, request)
  return withIndexLock(settings.dir, async () => {
    const { method, metric, whiten, model } = request
    const gallery = await installIndex(settings.dir, request.force, (temp) =>
      RecognitionGallery.create(temp, embedded.vectors, embedded.items, { model, method, metric, whiten, whitening: settings.config.services.recognize.index.whitening, segments: embedded.segments, calibration: calibrationSettings(settings.config.services.recognize) }),
    )
    return {
      action: 'build',
      info: { ...gallery.info(), name: settings.name },
      dir: settings.dir,
      dataFile: request.dataFile,
      added: embedded.vectors.length,
      sizeBefore: 0,
      ids: [],
      problems: embedded.problems,
      rawDim: embedded.rawDim,
      seconds: (performance.now() - started) / 1000,
    }
  })
}

export async function appendToIndex(settings: IndexSettings, request: AppendRequest): Promise<IndexChange> {
  requireFaiss()
  await checkInputs(request)
  const { dir, name } = settings
  if (!galleryExists(dir)) throw new NotFound(`index ${name} does not exist in ${dir}; create it with npx ppserve index build --name ${name} ...`)
  const started = performance.now()
  const calibration = calibrationSettings(settings.config.services.recognize)
  // Embedded before the lock is taken (as for build), with the model the index holds now.
  const before = await RecognitionGallery.open(dir, calibration)
  if (request.model !== undefined && request.model !== before.model) {
    throw new InvalidInput(`index ${name} holds ${before.model} features; appending ${request.model} features would mix two spaces (leave out --model, or build a new index)`)
  }
  const embedded = await embed(settings, before.model, request)
  return withIndexLock(dir, async () => {
    // Opened again under the lock: the new generation builds on the latest committed one, and
    // is whitened as that one is.
    const gallery = await RecognitionGallery.open(dir, calibration)
    if (gallery.model !== before.model) {
      throw new InvalidInput(`index ${name} was rebuilt with ${gallery.model} features while ${before.model} features were being extracted; nothing was added (run the append again)`)
    }
    const sizeBefore = gallery.index.size
    process.stderr.write(`index: adding ${embedded.vectors.length} images to ${name} as generation ${gallery.index.manifest.generation + 1}\n`)
    const ids = await gallery.add(embedded.vectors, embedded.items)
    return {
      action: 'append',
      info: gallery.info(),
      dir,
      dataFile: request.dataFile,
      added: ids.length,
      sizeBefore,
      ids,
      problems: embedded.problems,
      rawDim: embedded.rawDim,
      seconds: (performance.now() - started) / 1000,
    }
  })
}
