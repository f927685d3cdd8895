/**
 * A faiss index (Flat, HNSW32 or IVF-Flat; inner product or L2) together with the vectors it
 * holds, as an immutable value: add and remove return a new VectorIndex and leave this one
 * untouched, so a search running on the old one never sees a half-applied change.
 *
 * Positions are 0 .. size-1 in insertion order, and removal compacts them in order, exactly as
 * faiss does for a flat index; the gallery's id map relies on that rule for every method. Where
 * faiss cannot remove in place (HNSW has no remove_ids; on IVF, faiss-node's add would reuse
 * positions of removed vectors) the index is rebuilt from the stored vectors. A native index is
 * never changed once a VectorIndex holds it, which is what lets searches run on another thread.
 */
import { ServingError } from '../engine/errors.js'
import { InvalidVectors } from './errors.js'
import { faiss } from './faiss-loader.js'
import type { FaissIndex } from './faiss-node-api.js'
import { checkRows, concatRows, forEachChunk, toNumbers, withoutRows } from './vector-rows.js'

export type Metric = 'IP' | 'L2'
export type IndexMethod = 'Flat' | 'HNSW' | 'IVF'

export interface VectorIndexSpec {
  readonly dim: number
  readonly metric: Metric
  readonly method: IndexMethod
}

/** One search result: `score` is faiss's own value (IP: inner product, higher is closer; L2: squared distance, lower is closer). */
export interface VectorHit {
  readonly position: number
  readonly score: number
}

/** Above this many removals a flat index is rebuilt: faiss tests each row against the whole list. */
const MAX_FLAT_REMOVE_IDS = 1024

/** PaddleClas's rule for the IVF list count, made at least 1 for galleries under 8 images. */
export function ivfListCount(vectors: number): number {
  return Math.max(1, Math.min(Math.floor(vectors / 8), 65536))
}

function factoryFor(spec: VectorIndexSpec, vectors: number): FaissIndex {
  const { Index, MetricType } = faiss()
  const metric = spec.metric === 'IP' ? MetricType.METRIC_INNER_PRODUCT : MetricType.METRIC_L2
  const descriptor = spec.method === 'Flat' ? 'Flat' : spec.method === 'HNSW' ? 'HNSW32' : `IVF${ivfListCount(vectors)},Flat`
  return Index.fromFactory(spec.dim, descriptor, metric)
}

function addAll(native: FaissIndex, vectors: Float32Array, dim: number): void {
  forEachChunk(vectors, dim, (chunk) => native.add(chunk))
}

/** Only the three spec fields, whatever else the caller's object carries (a manifest, options). */
function pickSpec({ dim, metric, method }: VectorIndexSpec): VectorIndexSpec {
  return { dim, metric, method }
}

export interface RestoredParts {
  readonly native: FaissIndex
  readonly vectors: Float32Array
  /** IVF only: the trained, empty index (faiss bytes), so rebuilds keep PaddleClas's training. */
  readonly ivfTemplate: Buffer | null
}

export class VectorIndex {
  private constructor(
    readonly spec: VectorIndexSpec,
    private readonly native: FaissIndex,
    /** The stored vectors, row-major; never mutated (shared between successive values). */
    readonly vectors: Float32Array,
    readonly ivfTemplate: Buffer | null,
  ) {}

  /** An empty index. An IVF index is trained by its first add, on that batch (as PaddleClas's "new"). */
  static empty(spec: VectorIndexSpec): VectorIndex {
    if (!Number.isInteger(spec.dim) || spec.dim < 1) throw new InvalidVectors(`dimension must be a positive integer, got ${spec.dim}`)
    return new VectorIndex(pickSpec(spec), factoryFor(spec, 0), new Float32Array(0), null)
  }

  /** Wraps a faiss index read from disk; its vectors must be the ones it was built from. */
  static restore(spec: VectorIndexSpec, parts: RestoredParts): VectorIndex {
    return new VectorIndex(pickSpec(spec), parts.native, parts.vectors, parts.ivfTemplate)
  }

  get size(): number {
    return this.vectors.length / this.spec.dim
  }

  /** faiss's own count, which the gallery checks against the id map and the vectors. */
  nativeCount(): number {
    return this.native.ntotal()
  }

  withAdded(vectors: Float32Array): VectorIndex {
    const rows = checkRows(vectors, this.spec.dim, 'vectors to add')
    if (rows === 0) return this
    const all = concatRows(this.vectors, vectors)
    if (this.spec.method === 'IVF' && this.ivfTemplate === null) return this.trainIvf(all)
    const next = faiss().Index.fromBuffer(this.native.toBuffer())
    addAll(next, vectors, this.spec.dim)
    return new VectorIndex(this.spec, next, all, this.ivfTemplate)
  }

  /** Removes the given positions; later positions move down (see the file comment). */
  withRemoved(positions: readonly number[]): VectorIndex {
    const remove = new Set(positions)
    for (const position of remove) {
      if (!Number.isInteger(position) || position < 0 || position >= this.size) {
        throw new InvalidVectors(`position ${position} is outside 0..${this.size - 1}`)
      }
    }
    if (remove.size === 0) return this
    const kept = withoutRows(this.vectors, this.spec.dim, remove)
    if (this.spec.method === 'Flat' && remove.size <= MAX_FLAT_REMOVE_IDS) {
      const next = faiss().Index.fromBuffer(this.native.toBuffer())
      const removed = next.removeIds([...remove])
      if (removed !== remove.size) throw new ServingError('internal', `faiss removed ${removed} of ${remove.size} vectors`)
      return new VectorIndex(this.spec, next, kept, null)
    }
    return this.rebuilt(kept)
  }

  /** The same vectors in a freshly built faiss index (IVF keeps its training). */
  rebuilt(vectors: Float32Array = this.vectors): VectorIndex {
    if (this.spec.method === 'IVF') {
      if (this.ivfTemplate === null) return vectors.length === 0 ? VectorIndex.empty(this.spec) : this.trainIvf(vectors)
      const next = faiss().Index.fromBuffer(this.ivfTemplate)
      addAll(next, vectors, this.spec.dim)
      return new VectorIndex(this.spec, next, vectors, this.ivfTemplate)
    }
    const next = factoryFor(this.spec, 0)
    addAll(next, vectors, this.spec.dim)
    return new VectorIndex(this.spec, next, vectors, null)
  }

  private trainIvf(vectors: Float32Array): VectorIndex {
    const next = factoryFor(this.spec, vectors.length / this.spec.dim)
    // faiss-node's train takes one array (no chunking): 8 bytes per number, transiently.
    next.train(toNumbers(vectors))
    const template = next.toBuffer()
    addAll(next, vectors, this.spec.dim)
    return new VectorIndex(this.spec, next, vectors, template)
  }

  /**
   * k nearest stored vectors for each query (queries row-major, n × dim), best first. faiss
   * searches on a libuv worker thread (a Flat search of 100,000 vectors takes ~90 ms), which is
   * safe because this value's native index is never changed once built (see the file comment).
   */
  async search(queries: Float32Array, k: number): Promise<VectorHit[][]> {
    const count = checkRows(queries, this.spec.dim, 'query vectors')
    if (!Number.isInteger(k) || k < 1) throw new InvalidVectors(`k must be a positive integer, got ${k}`)
    if (this.size === 0 || count === 0) return Array.from({ length: count }, () => [])
    // faiss refuses k > ntotal; fewer results than asked is the honest answer.
    const kk = Math.min(k, this.size)
    const { distances, labels } = await this.native.searchAsync(queries, kk)
    const results: VectorHit[][] = []
    for (let q = 0; q < count; q++) {
      const hits: VectorHit[] = []
      for (let j = q * kk; j < (q + 1) * kk; j++) {
        // -1 pads rows that HNSW/IVF could not fill.
        if (labels[j]! >= 0) hits.push({ position: labels[j]!, score: distances[j]! })
      }
      results.push(hits)
    }
    return results
  }

  /** The faiss index in faiss's file format (e.g. to hand it to a worker thread). */
  toBytes(): Buffer {
    return this.native.toBuffer()
  }

  /** Writes the faiss index file (faiss's own format, readable by Python faiss). */
  writeNative(file: string): void {
    this.native.write(file)
  }
}
