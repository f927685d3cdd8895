/**
 * /ocr at concurrency 1 and 4 over HTTP, in one process (`npm run bench:ocr-concurrency -- [--threads N|null]
 * [--instances N|null] [--rec-batch N] [--rounds N]`): images/s, p50, main-thread event-loop delay
 * and RSS, with runtime and op settings from the command line. It uses only APIs older commits
 * have too, so a `git worktree` of an earlier commit can run the same file for an A/B measured back
 * to back (bench/BENCHMARKS.md, "Load").
 */
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { loadConfig, parseConfig } from '../src/config/load-config.js'
import { startHttpServer } from '../src/server/http-server.js'
import { createServices } from '../src/server/services.js'
import { runHttpLoad } from './lib/http-load.js'
import { loadImages } from './lib/images.js'
import { summarize } from './lib/stats.js'

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: 'null' },
    instances: { type: 'string', default: 'null' },
    'rec-batch': { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
  },
})
const orNull = (text: string) => (text === 'null' ? null : Number(text))
const images = await loadImages(path.resolve('../shared/assets/images/ocr/imgs'))
const base = JSON.parse(JSON.stringify((await loadConfig('config/serving.yml')).config))
const ops = base.services.ocr.ops
const concurrency = orNull(values.instances!)
const config = parseConfig(
  {
    ...base,
    server: { ...base.server, host: '127.0.0.1', port: 0 },
    runtime: { ...base.runtime, intra_op_threads: orNull(values.threads!) },
    services: {
      ...base.services,
      classify: { ...base.services.classify, enabled: false },
      recognize: { ...base.services.recognize, enabled: false },
      ocr: { ...base.services.ocr, ops: { det: { ...ops.det, concurrency }, cls: { ...ops.cls, concurrency }, rec: { ...ops.rec, concurrency, batch_size: Number(values['rec-batch']) } } },
    },
  },
  'bench',
)
const services = await createServices(config)
const server = await startHttpServer(services)
const jobs = Array.from({ length: Number(values.rounds) }, () => images).flat()
console.log(`threads ${values.threads}, instances ${values.instances}, rec batch ${values['rec-batch']}; RSS idle ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`)
await runHttpLoad('warm-up', server.url, images, 2)
for (const c of [1, 4]) {
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  const run = await runHttpLoad(`c=${c}`, server.url, jobs, c)
  delay.disable()
  const stats = summarize(run.latenciesMs, run.wallMs)
  const lagP99 = delay.percentile(99) / 1e6
  console.log(`c=${c}: ${stats.imagesPerS.toFixed(2)} images/s, p50 ${stats.p50Ms.toFixed(0)} ms, event-loop delay p99 ${lagP99.toFixed(1)} ms, errors ${run.failures.length}`)
}
console.log(`RSS after ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`)
await server.close()
await services.stop()
