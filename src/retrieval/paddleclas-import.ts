/**
 * Imports a PaddleClas gallery index (`vector.index` + `id_map.pkl`, as build_gallery.py writes
 * them) into a ppserve gallery folder. The vectors are read out of the faiss file (faiss-file-
 * reader), the labels out of the pickle (pickle-reader); PaddleClas's ids are kept as our ids.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { IndexFileError } from './errors.js'
import { readFaissFile } from './faiss-file-reader.js'
import { GalleryIndex } from './gallery-index.js'
import type { GalleryEntry } from './id-map.js'
import { readIntStringDict } from './pickle-reader.js'
import type { IndexMethod, VectorIndexSpec } from './vector-index.js'

export interface PaddleClasIndex {
  /** Dimension, metric and method of the faiss file. */
  readonly spec: VectorIndexSpec
  /** Row-major, in the order of `entries`. */
  readonly vectors: Float32Array
  readonly entries: GalleryEntry[]
  readonly nextId: number
}

/** `relpath\tlabel`, PaddleClas's data-file line (its default delimiter is a tab). */
function splitLine(line: string, id: number, file: string): { path: string; label: string } {
  const tab = line.indexOf('\t')
  if (tab < 0) throw new IndexFileError(`${file}: the entry of id ${id} (${JSON.stringify(line)}) has no tab between image path and label`)
  return { path: line.slice(0, tab), label: line.slice(tab + 1) }
}

/** Reads and cross-checks a PaddleClas index folder (no faiss needed). */
export async function readPaddleClasIndex(dir: string): Promise<PaddleClasIndex> {
  const indexFile = path.join(dir, 'vector.index')
  const idMapFile = path.join(dir, 'id_map.pkl')
  const contents = readFaissFile(await readFile(indexFile), indexFile)
  const lines = readIntStringDict(await readFile(idMapFile), idMapFile)
  const count = contents.vectors.length / contents.dim
  if (lines.size !== count) {
    throw new IndexFileError(`${indexFile} holds ${count} vectors but ${idMapFile} has ${lines.size} entries: they are not a pair`)
  }
  const ids = contents.ids ?? Array.from({ length: count }, (_, position) => position)
  const entries = ids.map((id) => {
    const line = lines.get(id)
    if (line === undefined) throw new IndexFileError(`${indexFile} has id ${id}, which ${idMapFile} does not list: they are not a pair`)
    return { id, ...splitLine(line, id, idMapFile) }
  })
  const nextId = entries.reduce((max, entry) => Math.max(max, entry.id + 1), 0)
  return { spec: { dim: contents.dim, metric: contents.metric, method: contents.method }, vectors: contents.vectors, entries, nextId }
}

/**
 * Creates a ppserve gallery in `targetDir` from a PaddleClas index folder. The faiss index is
 * rebuilt from the vectors (the same method unless `method` says otherwise), so HNSW graphs and
 * IVF training are new, built with the same faiss parameters PaddleClas uses.
 */
export async function importPaddleClasIndex(
  sourceDir: string,
  targetDir: string,
  options: { model: string; method?: IndexMethod },
): Promise<GalleryIndex> {
  const source = await readPaddleClasIndex(sourceDir)
  const spec = { ...source.spec, method: options.method ?? source.spec.method }
  return GalleryIndex.create(targetDir, { ...spec, model: options.model }, source)
}
