/**
 * Retrieval benchmark (`npm run bench:retrieval -- [--sizes 10000,100000] [--rounds N]`):
 * 1. faiss search latency for 1 and 100 queries on random 512-d unit vectors, Flat vs HNSW32,
 *    inner product (searches run on a libuv worker thread: the event loop is free meanwhile);
 * 2. POST /recognize end to end over HTTP on the 9 drink test photos with the shipped config
 *    (its drink gallery is built first if missing), split by stage from Server-Timing.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../src/config/load-config.js'
import { faiss } from '../src/retrieval/faiss-loader.js'
import { VectorIndex, type IndexMethod } from '../src/retrieval/vector-index.js'
import { ensureModelsPulled } from '../src/runtime/pull/index.js'
import { startHttpServer } from '../src/server/http-server.js'
import { createServices, modelNamesOf } from '../src/server/services.js'
import { unitVectors } from '../test/retrieval/helpers/vectors.js'
import { runHttpLoad } from './lib/http-load.js'
import { loadImages } from './lib/images.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { progress, progressDone } from './lib/progress.js'
import { summarize } from './lib/stats.js'
import { formatTable, ms } from './lib/table.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIM = 512
const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' }, rounds: { type: 'string', default: '5' } } })
const sizes = args.sizes!.split(',').map(Number)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Median search time, and the longest the event loop was held meanwhile (monitorEventLoopDelay, 1 ms resolution). */
async function timeSearch(index: VectorIndex, queries: Float32Array, runs: number): Promise<{ ms: number; heldMs: number }> {
  await index.search(queries, 5)
  const samples: number[] = []
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await index.search(queries, 5)
    samples.push(performance.now() - started)
  }
  delay.disable()
  return { ms: median(samples), heldMs: delay.max / 1e6 }
}

const loadBefore = machineInfo().loadAverage
faiss() // applies retrieval's thread settings before anything runs
const searchRows: string[][] = []
for (const size of sizes) {
  const vectors = unitVectors(size, DIM, 7)
  for (const method of ['Flat', 'HNSW'] as IndexMethod[]) {
    progress(`building ${method} over ${size} vectors`)
    const started = performance.now()
    const index = VectorIndex.empty({ dim: DIM, metric: 'IP', method }).withAdded(vectors)
    const buildS = (performance.now() - started) / 1000
    progress(`searching ${method} over ${size} vectors`)
    const one = await timeSearch(index, unitVectors(1, DIM, 8), 100)
    const hundred = await timeSearch(index, unitVectors(100, DIM, 9), 10)
    searchRows.push([`${size}`, method, buildS.toFixed(1), ms(one.ms), ms(hundred.ms), ms(Math.max(one.heldMs, hundred.heldMs))])
  }
}
progressDone()

// /recognize end to end with the shipped config (drink gallery, detector, feature model).
const { config } = await loadConfig(path.join(ROOT, 'config/serving.yml'), {})
const benchConfig = { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 }, services: { ...config.services, ocr: { ...config.services.ocr, enabled: false }, classify: { ...config.services.classify, enabled: false } } }
await ensureModelsPulled(config.models.dir, modelNamesOf(benchConfig), { mirror: process.env.PPSERVE_MIRROR || config.models.mirror || undefined })
const services = await createServices(benchConfig)
const server = await startHttpServer(services)
const photos = await loadImages(path.resolve(ROOT, '../shared/assets/drink_dataset_v1.0/test_images'))
const rounds = Number(args.rounds)
await runHttpLoad('/recognize warm-up', server.url, photos, 1, '/recognize')
const run = await runHttpLoad('/recognize c=1', server.url, Array.from({ length: rounds }, () => photos).flat(), 1, '/recognize')
await server.close()
if (run.failures.length > 0) throw new Error(`non-200 answers: ${run.failures.join('; ')}`)
const stats = summarize(run.latenciesMs, run.wallMs)

const machine = machineInfo()
console.log(`retrieval benchmark  ${new Date().toISOString()}`)
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${process.version}; load ${formatLoad(loadBefore)} at start, ${formatLoad(machine.loadAverage)} at end`)
console.log(`faiss-node, ${DIM}-d random unit vectors, inner product, k = 5; OPENBLAS_NUM_THREADS=${process.env.OPENBLAS_NUM_THREADS}, OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY}`)
console.log()
console.log(formatTable(['vectors', 'method', 'build s', '1 query ms', '100 queries ms', 'event loop held max ms'], searchRows))
console.log()
console.log(`POST /recognize, ${photos.length} drink test photos × ${rounds} rounds, concurrency 1, shipped config (${config.services.recognize.detector}, ${config.services.recognize.feature_model}, gallery ${config.services.recognize.default_index})`)
console.log(`latency mean ${ms(stats.meanMs)} ms, p50 ${ms(stats.p50Ms)} ms, p90 ${ms(stats.p90Ms)} ms, ${stats.imagesPerS.toFixed(1)} images/s`)
console.log(formatTable(['stage', 'mean ms'], Object.entries(run.stages.means()).map(([stage, value]) => [stage, ms(value)])))
