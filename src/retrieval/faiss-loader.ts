/**
 * Loads faiss-node once, on first use, so that a server without it still starts: only retrieval
 * then fails, with RetrievalUnavailable naming the reason the install recorded.
 */
import { createRequire } from 'node:module'
import { readBuildStatus } from '../install/install-status.js'
import { RetrievalUnavailable } from './errors.js'
import type { FaissNode } from './faiss-node-api.js'

let loaded: { faiss: FaissNode } | { reason: string } | undefined

function describeFailure(error: unknown): string {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error)
  let recorded: string
  try {
    const status = readBuildStatus()
    recorded = status && !status.ok && status.reason ? `; the install said: ${status.reason}` : ''
  } catch (statusError) {
    // The record only adds detail to this message; its own failure is reported in it.
    recorded = `; the install's record could not be read (${(statusError as Error).message})`
  }
  return `faiss-node does not load (${detail})${recorded}. Build it with \`npm run build:faiss\` (Debian/Ubuntu, as root, or after \`apt-get install libfaiss-dev libopenblas-dev\`)`
}

function tryLoad(): { faiss: FaissNode } | { reason: string } {
  // Both are read when the libraries load, so they must be set before the require below.
  // OpenBLAS would start a thread per core inside every batched search (nq >= 20), on top of
  // faiss's OpenMP threads and the server's model workers.
  process.env.OPENBLAS_NUM_THREADS ??= '1'
  // With OpenMP's default (active) waiting, a single-query HNSW search measured 8 ms median and
  // 16 ms p95 instead of 0.45 ms on a 2-core machine: OpenMP's worker threads spin for the CPU
  // the calling thread needs, around every tiny parallel region. Passive waiting keeps faiss's
  // parallelism for large batches without that cost (test/retrieval/measure/search-latency.ts).
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE'
  try {
    const require = createRequire(import.meta.url)
    return { faiss: require('faiss-node') as FaissNode }
  } catch (error) {
    // Not silent: the reason is kept and thrown as RetrievalUnavailable by every faiss() call.
    return { reason: describeFailure(error) }
  }
}

/** The faiss-node module; throws RetrievalUnavailable (with the reason) when it cannot load. */
export function faiss(): FaissNode {
  loaded ??= tryLoad()
  if ('reason' in loaded) throw new RetrievalUnavailable(loaded.reason)
  return loaded.faiss
}

/** Whether retrieval can work here: `false` or the reason it cannot (for /readyz and tests). */
export function faissUnavailableReason(): false | string {
  loaded ??= tryLoad()
  return 'reason' in loaded ? loaded.reason : false
}
