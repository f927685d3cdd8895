/**
 * Reads the vectors back out of a faiss index file, in TypeScript: faiss-node has no
 * reconstruct(), yet importing a PaddleClas gallery (and rebuilding an HNSW index to remove
 * entries) needs them. Every index kind PaddleClas builds keeps the raw float32 vectors:
 *   IxFI / IxF2  flat (inner product / L2): the vectors in position order;
 *   IHNf         HNSW32,Flat: the graph, then a flat "storage" index with the vectors;
 *   IwFl         IVF,Flat: a quantizer, then inverted lists of (vector, position);
 *   IxM2 / IxMp  IndexIDMap(2) around one of those: adds the 64-bit id of each position.
 * Layouts follow faiss's impl/index_write.cpp (1.7.x): little-endian, no padding.
 */
import { IndexFileError } from './errors.js'
import type { IndexMethod, Metric } from './vector-index.js'

export interface FaissFileContents {
  readonly method: IndexMethod
  readonly dim: number
  readonly metric: Metric
  /** Row-major, in faiss position order. */
  readonly vectors: Float32Array
  /** The id stored for each position (IndexIDMap), or null when ids are the positions. */
  readonly ids: number[] | null
}

interface Header {
  readonly dim: number
  readonly count: number
  readonly metric: Metric
}

class Cursor {
  private at = 0
  private readonly view: DataView
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  fail(why: string): never {
    throw new IndexFileError(`${this.file}: ${why} (at byte ${this.at})`)
  }
  private advance(n: number): number {
    if (n < 0 || this.at + n > this.bytes.length) this.fail('the file ends early: it is truncated or not a faiss index')
    const start = this.at
    this.at += n
    return start
  }
  u8 = () => this.view.getUint8(this.advance(1))
  i32 = () => this.view.getInt32(this.advance(4), true)
  u32 = () => this.view.getUint32(this.advance(4), true)
  i64(): number {
    const value = this.view.getBigInt64(this.advance(8), true)
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`value ${value} is beyond 2^53`)
    return Number(value)
  }
  fourcc(): string {
    return String.fromCharCode(...this.bytes.subarray(this.advance(4), this.at))
  }
  /** faiss WRITEVECTOR: a size_t element count, then the elements. Returns the raw bytes. */
  vector(elementBytes: number): Uint8Array {
    const count = this.i64()
    const start = this.advance(count * elementBytes)
    return this.bytes.subarray(start, this.at)
  }
  int64s(): number[] {
    const raw = this.vector(8)
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
    return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)))
  }
  raw(n: number): Uint8Array {
    const start = this.advance(n)
    return this.bytes.subarray(start, this.at)
  }
  get done(): boolean {
    return this.at === this.bytes.length
  }
}

function floats(raw: Uint8Array): Float32Array {
  const out = new Float32Array(raw.byteLength / 4) // copied: `raw` may not be 4-byte aligned
  new Uint8Array(out.buffer).set(raw)
  return out
}

function readHeader(c: Cursor): Header {
  const dim = c.i32()
  const count = c.i64()
  c.i64() // two dummy fields, kept by faiss for compatibility
  c.i64()
  c.u8() // is_trained
  const metricType = c.i32()
  if (metricType !== 0 && metricType !== 1) c.fail(`metric type ${metricType} is neither inner product (0) nor L2 (1)`)
  return { dim, count, metric: metricType === 0 ? 'IP' : 'L2' }
}

interface Inner {
  readonly method: IndexMethod
  readonly header: Header
  readonly vectors: Float32Array
}

function readFlat(c: Cursor, header: Header): Float32Array {
  const vectors = floats(c.vector(4)) // WRITEXBVECTOR: the size counts floats
  if (vectors.length !== header.count * header.dim) c.fail(`a flat index of ${header.count} × ${header.dim} holds ${vectors.length} numbers`)
  return vectors
}

function skipHnswGraph(c: Cursor): void {
  c.vector(8) // assign_probas (double)
  c.vector(4) // cum_nneighbor_per_level
  c.vector(4) // levels
  c.vector(8) // offsets (size_t)
  c.vector(4) // neighbors
  for (let i = 0; i < 5; i++) c.i32() // entry_point, max_level, efConstruction, efSearch, upper_beam
}

function readIvfLists(c: Cursor, header: Header): Float32Array {
  const vectors = new Float32Array(header.count * header.dim)
  const fourcc = c.fourcc()
  if (fourcc === 'il00') return vectors // no lists: an empty index
  if (fourcc !== 'ilar') c.fail(`inverted lists of type ${fourcc} are not supported (only in-memory "ilar")`)
  const nlist = c.i64()
  const codeSize = c.i64()
  if (codeSize !== header.dim * 4) c.fail(`IVF code size ${codeSize} is not ${header.dim} float32s (only IVF,Flat is supported)`)
  const listType = c.fourcc()
  const sizesRaw = c.int64s()
  const sizes = new Array<number>(nlist).fill(0)
  if (listType === 'full') sizesRaw.forEach((n, list) => (sizes[list] = n))
  else if (listType === 'sprs') for (let i = 0; i + 1 < sizesRaw.length; i += 2) sizes[sizesRaw[i]!] = sizesRaw[i + 1]!
  else c.fail(`inverted list layout ${listType} is not supported`)
  const seen = new Uint8Array(header.count)
  for (const n of sizes) {
    if (n === 0) continue
    const codes = floats(c.raw(n * codeSize))
    const idBytes = c.raw(n * 8)
    const ids = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength)
    for (let j = 0; j < n; j++) {
      const position = Number(ids.getBigInt64(j * 8, true))
      if (position < 0 || position >= header.count || seen[position]) c.fail(`IVF list holds position ${position} twice or out of 0..${header.count - 1}`)
      seen[position] = 1
      vectors.set(codes.subarray(j * header.dim, (j + 1) * header.dim), position * header.dim)
    }
  }
  if (seen.some((flag) => flag === 0)) c.fail('IVF lists do not hold every position')
  return vectors
}

function readIndex(c: Cursor): Inner {
  const fourcc = c.fourcc()
  if (fourcc === 'IxFI' || fourcc === 'IxF2') {
    const header = readHeader(c)
    return { method: 'Flat', header, vectors: readFlat(c, header) }
  }
  if (fourcc === 'IHNf') {
    const header = readHeader(c)
    skipHnswGraph(c)
    const storage = readIndex(c)
    if (storage.method !== 'Flat' || storage.header.count !== header.count) c.fail('HNSW storage is not a flat index of the same size')
    return { method: 'HNSW', header, vectors: storage.vectors }
  }
  if (fourcc === 'IwFl') {
    const header = readHeader(c)
    c.i64() // nlist
    c.i64() // nprobe
    readIndex(c) // the coarse quantizer (centroids): not needed to rebuild
    const directMap = c.u8()
    c.vector(8)
    if (directMap === 2) c.vector(16) // hashtable direct map: (id, list entry) pairs
    return { method: 'IVF', header, vectors: readIvfLists(c, header) }
  }
  c.fail(`index type "${fourcc}" is not supported (supported: Flat, HNSW32,Flat and IVF,Flat, optionally in an IndexIDMap)`)
}

/** Parses a faiss index file's bytes; `file` names it in errors. */
export function readFaissFile(bytes: Uint8Array, file: string): FaissFileContents {
  const c = new Cursor(bytes, file)
  let inner: Inner
  let ids: number[] | null = null
  if (['IxM2', 'IxMp'].includes(String.fromCharCode(...bytes.subarray(0, 4)))) {
    c.fourcc()
    const header = readHeader(c)
    inner = readIndex(c)
    ids = c.int64s()
    if (ids.length !== header.count || inner.header.count !== header.count) c.fail(`the id map holds ${ids.length} ids for ${inner.header.count} vectors`)
  } else {
    inner = readIndex(c)
  }
  if (!c.done) c.fail('unexpected bytes after the index')
  const { dim, metric } = inner.header
  return { method: inner.method, dim, metric, vectors: inner.vectors, ids }
}
