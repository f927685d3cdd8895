/**
 * Writes one gallery generation's files and reads them back with every consistency check: the
 * faiss index, the id map and the stored vectors must hold the same number of vectors, and each
 * file must match the size and sha256 the manifest recorded when it was written.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { endianness } from 'node:os'
import path from 'node:path'
import { IndexFileError } from './errors.js'
import { faiss } from './faiss-loader.js'
import type { FaissIndex } from './faiss-node-api.js'
import { FILE_NAMES, IdMapFileSchema, ManifestSchema, parseJsonFile } from './gallery-format.js'
import type { FileRecord, GalleryManifest } from './gallery-format.js'
import { writeDurable } from './generation-store.js'
import { IdMap } from './id-map.js'
import type { ScoreCalibration } from './score-calibration.js'
import { VectorIndex } from './vector-index.js'

/** One consistent state of a gallery: what searches read, swapped as a whole on each change. */
export interface GallerySnapshot {
  readonly manifest: GalleryManifest
  readonly index: VectorIndex
  readonly idMap: IdMap
}

// vectors.f32 is raw float32 in host order; every platform Node supports in practice is
// little-endian, and refusing the rest keeps the files portable between machines.
if (endianness() !== 'LE') throw new IndexFileError('gallery vector files are little-endian float32; this host is big-endian')

function record(name: string, bytes: Uint8Array): FileRecord {
  return { name, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }
}

function vectorBytes(vectors: Float32Array): Uint8Array {
  return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength)
}

/** Writes the files of `snapshot` into `genDir` (fsync is the caller's, see generation-store). */
export async function writeSnapshotFiles(
  genDir: string,
  parts: { generation: number; model: string; index: VectorIndex; idMap: IdMap; calibration?: ScoreCalibration | undefined },
): Promise<GalleryManifest> {
  const { index, idMap } = parts
  const indexFile = path.join(genDir, FILE_NAMES.index)
  index.writeNative(indexFile)
  const idMapBytes = Buffer.from(JSON.stringify({ nextId: idMap.nextId, entries: idMap.entries }) + '\n')
  await writeDurable(path.join(genDir, FILE_NAMES.idMap), idMapBytes)
  await writeDurable(path.join(genDir, FILE_NAMES.vectors), vectorBytes(index.vectors))
  if (index.ivfTemplate) await writeDurable(path.join(genDir, FILE_NAMES.ivfTemplate), index.ivfTemplate)
  const manifest: GalleryManifest = {
    format: 'ppserve-gallery',
    version: 1,
    generation: parts.generation,
    ...index.spec,
    model: parts.model,
    count: index.size,
    createdAt: new Date().toISOString(),
    ...(parts.calibration ? { calibration: parts.calibration } : {}),
    files: {
      index: record(FILE_NAMES.index, await readFile(indexFile)),
      idMap: record(FILE_NAMES.idMap, idMapBytes),
      vectors: record(FILE_NAMES.vectors, vectorBytes(index.vectors)),
      ...(index.ivfTemplate ? { ivfTemplate: record(FILE_NAMES.ivfTemplate, index.ivfTemplate) } : {}),
    },
  }
  await writeDurable(path.join(genDir, FILE_NAMES.manifest), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

function toFloat32(bytes: Buffer, file: string, dim: number): Float32Array {
  if (bytes.byteLength % (4 * dim) !== 0) {
    throw new IndexFileError(`${file} has ${bytes.byteLength} bytes, not a whole number of ${dim}-d float32 vectors: the file is truncated or corrupt`)
  }
  // Copied: a Buffer may start at an offset that is not a multiple of 4.
  const vectors = new Float32Array(bytes.byteLength / 4)
  new Uint8Array(vectors.buffer).set(bytes)
  return vectors
}

function readNative(bytes: Buffer, file: string): FaissIndex {
  try {
    return faiss().Index.fromBuffer(bytes)
  } catch (error) {
    throw new IndexFileError(`${file} is not a faiss index faiss can read: ${(error as Error).message}`, { cause: error })
  }
}

function checkFile(genDir: string, expected: FileRecord, bytes: Uint8Array): void {
  const actual = record(expected.name, bytes)
  if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
    throw new IndexFileError(
      `${path.join(genDir, expected.name)} does not match ${FILE_NAMES.manifest} (${actual.bytes} bytes, sha256 ${actual.sha256.slice(0, 12)}…; ` +
        `expected ${expected.bytes} bytes, ${expected.sha256.slice(0, 12)}…): the file is corrupt or from another generation`,
    )
  }
}

async function readBytes(genDir: string, name: string): Promise<Buffer> {
  return readFile(path.join(genDir, name))
}

/** Reads a generation folder, refusing it unless every check passes (errors name the files). */
export async function readSnapshot(genDir: string, generation: number): Promise<GallerySnapshot> {
  const manifestFile = path.join(genDir, FILE_NAMES.manifest)
  const manifest = parseJsonFile(ManifestSchema, await readFile(manifestFile, 'utf8'), manifestFile)
  if (manifest.generation !== generation) {
    throw new IndexFileError(`${manifestFile} says generation ${manifest.generation}, but it is in the folder of generation ${generation}`)
  }
  const { files, dim } = manifest
  const indexBytes = await readBytes(genDir, files.index.name)
  const idMapBytes = await readBytes(genDir, files.idMap.name)
  const vectorFileBytes = await readBytes(genDir, files.vectors.name)
  const templateBytes = files.ivfTemplate ? await readBytes(genDir, files.ivfTemplate.name) : null

  const idMapFile = path.join(genDir, files.idMap.name)
  const idMap = parseJsonFile(IdMapFileSchema, idMapBytes.toString('utf8'), idMapFile)
  const vectors = toFloat32(vectorFileBytes, path.join(genDir, files.vectors.name), dim)
  // The faiss file is checked before faiss parses it: a damaged file should fail here, by name,
  // not inside faiss's reader.
  checkFile(genDir, files.index, indexBytes)
  const native = readNative(indexBytes, path.join(genDir, files.index.name))

  const counts = { index: native.ntotal(), idMap: idMap.entries.length, vectors: vectors.length / dim }
  if (counts.index !== counts.idMap || counts.idMap !== counts.vectors || counts.vectors !== manifest.count) {
    throw new IndexFileError(
      `gallery ${genDir} is inconsistent: ${files.index.name} holds ${counts.index} vectors, ${files.idMap.name} ${counts.idMap} entries, ` +
        `${files.vectors.name} ${counts.vectors} vectors (${FILE_NAMES.manifest} says ${manifest.count}); refusing to load a mismatched set`,
    )
  }
  if (native.getDimension() !== dim) {
    throw new IndexFileError(`${path.join(genDir, files.index.name)} is ${native.getDimension()}-d but ${manifestFile} says ${dim}-d`)
  }
  checkFile(genDir, files.idMap, idMapBytes)
  checkFile(genDir, files.vectors, vectorFileBytes)
  if (files.ivfTemplate && templateBytes) checkFile(genDir, files.ivfTemplate, templateBytes)

  const ids = new Set(idMap.entries.map((entry) => entry.id))
  if (ids.size !== idMap.entries.length || idMap.entries.some((entry) => entry.id >= idMap.nextId)) {
    throw new IndexFileError(`${idMapFile} has duplicate ids or ids not below nextId ${idMap.nextId}`)
  }
  const index = VectorIndex.restore({ dim, metric: manifest.metric, method: manifest.method }, { native, vectors, ivfTemplate: templateBytes })
  return { manifest, index, idMap: new IdMap(idMap.entries, idMap.nextId) }
}
