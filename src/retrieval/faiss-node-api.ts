/**
 * The part of faiss-node 0.5.1's API that retrieval uses, typed here rather than imported from
 * the package: faiss-node is an optional dependency, and the project must typecheck without it.
 * Facts that shape the callers (read in faiss-node's src/faiss.cc):
 * - vectors cross as plain `number[]` (row-major, n × d), copied element by element into floats;
 * - every call is synchronous and runs on the calling thread, except searchAsync, which the
 *   project's build adds (src/install/faiss-async-search.ts);
 * - there is no add_with_ids: vectors get positions ntotal .. ntotal + n - 1;
 * - removeIds on a flat index compacts it, so every later position moves down;
 * - search throws when k > ntotal and pads missing results with label -1.
 */
export interface FaissSearchResult {
  readonly distances: number[]
  readonly labels: number[]
}

export interface FaissIndex {
  ntotal(): number
  getDimension(): number
  isTrained(): boolean
  add(x: number[]): void
  train(x: number[]): void
  search(x: number[], k: number): FaissSearchResult
  /** Runs on a libuv worker thread; labels are positions (−1 pads missing results). */
  searchAsync(x: Float32Array, k: number): Promise<{ readonly distances: Float32Array; readonly labels: Float64Array }>
  write(fname: string): void
  toBuffer(): Buffer
  removeIds(ids: number[]): number
}

export interface FaissIndexClass {
  read(fname: string): FaissIndex
  fromBuffer(src: Buffer): FaissIndex
  fromFactory(dims: number, descriptor: string, metric?: number): FaissIndex
}

export interface FaissNode {
  readonly Index: FaissIndexClass
  readonly MetricType: { readonly METRIC_INNER_PRODUCT: number; readonly METRIC_L2: number }
}
