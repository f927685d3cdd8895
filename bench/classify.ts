/**
 * Classification benchmark (`npm run bench:classify -- [--model NAME] [--mirror DIR] [--rounds N]`):
 * in one run, on the ImageNet photos of ../shared/assets/images/imagenet,
 * 1. a bare onnxruntime-node `session.run` on the already preprocessed tensor (the floor),
 * 2. `POST /classify` over HTTP at concurrency 1 (decode + preprocess + engine + worker + HTTP),
 *    and the overhead (2 − 1) / 1 (target ≤ 15 %),
 * 3. throughput at concurrency 8 with batching on (batch_size 8) and off (batch_size 1)
 *    (target: on ≥ off).
 * The model is pulled first if missing (from --mirror, PPSERVE_MIRROR or ../shared/assets).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '../src/config/load-config.js'
import { ensureModelsPulled } from '../src/runtime/pull/index.js'
import { startHttpServer } from '../src/server/http-server.js'
import { createServices } from '../src/server/services.js'
import { bareSession } from './lib/bare-classify.js'
import { runHttpLoad } from './lib/http-load.js'
import { loadImages, type BenchImage } from './lib/images.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { summarize, type PhaseStats } from './lib/stats.js'
import { formatTable, ms } from './lib/table.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const IMAGES = path.resolve(ROOT, '../shared/assets/images/imagenet')
const THREADS = 2

const { values: args } = parseArgs({
  options: { model: { type: 'string', default: 'googlenet_v1' }, mirror: { type: 'string' }, rounds: { type: 'string', default: '10' } },
})
const model = args.model!
const rounds = Number(args.rounds)
const modelsDir = path.join(ROOT, 'models')

function config(batchSize: number) {
  return parseConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      models: { dir: modelsDir },
      runtime: { intra_op_threads: THREADS },
      services: { ocr: { enabled: false }, classify: { default_model: model, ops: { batch_size: batchSize, batch_timeout_ms: 0 } } },
    },
    'bench',
  )
}

async function overHttp(batchSize: number, jobs: readonly BenchImage[], concurrency: number, label: string) {
  const services = await createServices(config(batchSize))
  const server = await startHttpServer(services)
  try {
    await runHttpLoad(`${label} warm-up`, server.url, jobs.slice(0, 8), concurrency, '/classify')
    const result = await runHttpLoad(label, server.url, jobs, concurrency, '/classify')
    if (result.failures.length > 0) throw new Error(`${label}: non-200 answers: ${result.failures.join('; ')}`)
    return { stats: summarize(result.latenciesMs, result.wallMs), stages: result.stages }
  } finally {
    await server.close()
  }
}

const loadBefore = machineInfo().loadAverage
const pulled = await ensureModelsPulled(modelsDir, [model], { mirror: args.mirror ?? process.env.PPSERVE_MIRROR ?? path.resolve(ROOT, '../shared/assets') })
if (pulled[0]!.status === 'failed' || pulled[0]!.status === 'no-source') {
  console.error(`cannot get model ${model}: ${pulled[0]!.error?.message ?? pulled[0]!.status}`)
  process.exit(1)
}
const images = await loadImages(IMAGES)
const jobs = Array.from({ length: rounds }, () => images).flat()

const bare = await bareSession(modelsDir, model, images, rounds, THREADS)
const c1 = await overHttp(8, jobs, 1, 'HTTP c=1')
const on = await overHttp(8, [...jobs, ...jobs], 8, 'HTTP c=8 batching on')
const off = await overHttp(1, [...jobs, ...jobs], 8, 'HTTP c=8 batching off')

const machine = machineInfo()
const overhead = (c1.stats.meanMs - bare.meanMs) / bare.meanMs
const row = (name: string, s: PhaseStats) => [name, String(s.requests), ms(s.meanMs), ms(s.p50Ms), ms(s.p90Ms), s.imagesPerS.toFixed(1)]
console.log(`classification benchmark  ${new Date().toISOString()}`)
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${process.version}; load ${formatLoad(loadBefore)} at start, ${formatLoad(machine.loadAverage)} at end`)
console.log(`model: ${model}; ${images.length} images × ${rounds} rounds; onnxruntime ${THREADS} intra-op threads everywhere`)
console.log()
console.log(
  formatTable(
    ['mode', 'requests', 'mean ms', 'p50 ms', 'p90 ms', 'images/s'],
    [row('bare session.run (preprocessed)', bare), row('HTTP /classify c=1', c1.stats), row('HTTP c=8 batching on (8)', on.stats), row('HTTP c=8 batching off (1)', off.stats)],
  ),
)
console.log()
console.log(`HTTP + preprocessing overhead at c=1: ${(overhead * 100).toFixed(1)} % of the bare model call (target ≤ 15 %)`)
console.log(`throughput at c=8, batching on / off: ${(on.stats.imagesPerS / off.stats.imagesPerS).toFixed(2)}× (target ≥ 1)`)
console.log()
console.log('c=1 stage means (Server-Timing, ms):', Object.entries(c1.stages.means()).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '))
