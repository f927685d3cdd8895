/**
 * `ppserve index import` and `info`: a PaddleClas index folder (vector.index + id_map.pkl)
 * converted into a ppserve index, and what an index holds, read back from disk with every
 * consistency check the server makes.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { InvalidInput, NotFound } from '../engine/errors.js'
import { importPaddleClasIndex } from '../retrieval/paddleclas-import.js'
import type { IndexMethod } from '../retrieval/vector-index.js'
import { galleryExists, RecognitionGallery, type GalleryInfo } from '../tasks/recognition/gallery.js'
import { calibrationSettings } from '../tasks/recognition/recognize-config.js'
import { existsError, installIndex, withIndexLock } from './index-folder.js'
import { requireFaiss, type IndexSettings } from './index-settings.js'

export interface ImportRequest {
  readonly from: string
  readonly model: string
  readonly method: IndexMethod | undefined
  readonly force: boolean
}

export interface IndexReport {
  readonly info: GalleryInfo
  readonly dir: string
  /** faiss's own count of the index written, which the loader checks against the id map. */
  readonly ntotal: number
}

const PADDLECLAS_FILES = ['vector.index', 'id_map.pkl'] as const

export async function importIndex(settings: IndexSettings, request: ImportRequest): Promise<IndexReport> {
  requireFaiss()
  const missing = PADDLECLAS_FILES.filter((file) => !existsSync(path.join(request.from, file)))
  if (missing.length > 0) {
    throw new InvalidInput(`${request.from} is not a PaddleClas index folder: it has no ${missing.join(' or ')} (build_gallery.py writes vector.index and id_map.pkl)`)
  }
  if (existsSync(settings.dir) && !request.force) throw existsError(settings.dir)
  await withIndexLock(settings.dir, () =>
    installIndex(settings.dir, request.force, (temp) =>
      importPaddleClasIndex(request.from, temp, { model: request.model, ...(request.method ? { method: request.method } : {}) }),
    ),
  )
  // Read back as the server will read it: the report describes what was written, checked.
  return readIndex(settings)
}

export async function readIndex(settings: IndexSettings): Promise<IndexReport> {
  requireFaiss()
  const { dir, name } = settings
  if (!galleryExists(dir)) {
    const where = path.dirname(dir)
    throw new NotFound(`index ${name} does not exist in ${where}${existsSync(where) ? '' : ` (${where} does not exist)`}`)
  }
  const gallery = await RecognitionGallery.open(dir, calibrationSettings(settings.config.services.recognize))
  return { info: gallery.info(), dir, ntotal: gallery.index.snapshot().index.nativeCount() }
}
