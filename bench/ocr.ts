/**
 * OCR benchmark (`npm run bench:ocr -- [--config FILE] [--passes N] [--json FILE]`): our pipeline
 * in-process, our HTTP server at concurrency 1 and 4, and the peer @gutenye/ocr-node, on the same
 * images; then latency/throughput ratios and how many recognised lines the two agree on.
 * Results go to stdout, progress to stderr. See bench/BENCHMARKS.md.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG_PATH, loadConfig } from '../src/config/load-config.js'
import type { ServingConfig } from '../src/config/schema.js'
import { startHttpServer } from '../src/server/http-server.js'
import { createServices, type Services } from '../src/server/services.js'
import { executeTask } from '../src/server/task-request.js'
import type { OcrLine } from '../src/tasks/ocr/ocr-service.js'
import { agreement, type Agreement } from './lib/agreement.js'
import { parseBenchArgs, runBench } from './lib/args.js'
import { runHttpLoad, type HttpLoadResult } from './lib/http-load.js'
import { loadImages, type BenchImage } from './lib/images.js'
import { machineInfo } from './lib/machine.js'
import { formatReport, type OcrBenchResult } from './lib/ocr-report.js'
import { createPeerOcr } from './lib/peer-ocr.js'
import { progress } from './lib/progress.js'
import { runSequential } from './lib/sequential.js'
import { StageTotals } from './lib/stage-totals.js'
import { summarize } from './lib/stats.js'

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const IMAGES_DIR = path.resolve(PROJECT_ROOT, '../shared/assets/images/ocr/imgs')

interface OursResult {
  inProcess: ReturnType<typeof summarize>
  inProcessStages: StageTotals
  httpC1: HttpLoadResult
  httpC4: HttpLoadResult
  /** Recognised texts per image name, from the warm-up pass. */
  texts: Map<string, string[]>
}

/** One image as one request of the `ocr` service, exactly as the HTTP route runs it. */
async function recognizeInProcess(services: Services, image: BenchImage, stages?: StageTotals): Promise<string[]> {
  const { results, ctx } = await executeTask(services, services.task('ocr')!, { images: [image.bytes], options: {} })
  const lines = results[0] as OcrLine[]
  const timings = ctx.timings.map((t) => [`${t.op}-${t.stage}`, t.ms] as const)
  stages?.addRequest([...timings, ['total', performance.now() - ctx.startedAt]])
  return lines.map((line) => line.text ?? '')
}

async function benchOurs(config: ServingConfig, images: readonly BenchImage[], passes: number): Promise<OursResult> {
  progress('ours: loading models')
  const services = await createServices(config)
  const ocr = services.task('ocr')
  const notReady = services.registry.list().filter((m) => ocr?.service.modelsFor({}).includes(m.name) && m.state !== 'ready')
  if (!ocr || notReady.length > 0) {
    await services.stop()
    throw new Error('the OCR service is not ready: check services.ocr and the model packages in the config')
  }
  const texts = new Map<string, string[]>()
  await runSequential('ours in-process warm-up', images, 1, async (image) => {
    texts.set(image.name, await recognizeInProcess(services, image))
  })
  const inProcessStages = new StageTotals()
  const run = await runSequential('ours in-process', images, passes, async (image) => {
    await recognizeInProcess(services, image, inProcessStages)
  })

  const server = await startHttpServer(services)
  try {
    const jobs = Array.from({ length: passes }, () => images).flat()
    const httpC1 = await runHttpLoad('ours HTTP c=1', server.url, jobs, 1)
    const httpC4 = await runHttpLoad('ours HTTP c=4', server.url, jobs, 4)
    return { inProcess: summarize(run.latenciesMs, run.wallMs), inProcessStages, httpC1, httpC4, texts }
  } finally {
    progress('ours: stopping the server')
    await server.close() // also stops the engine and releases the models
  }
}

/** After ours, never interleaved: the peer runs on the main thread and blocks the event loop. */
async function benchPeer(images: readonly BenchImage[], passes: number) {
  progress('peer: loading models')
  const peer = await createPeerOcr()
  const texts = new Map<string, string[]>()
  await runSequential('peer warm-up', images, 1, async (image) => {
    texts.set(image.name, (await peer.detect(image.path)).map((line) => line.text))
  })
  const run = await runSequential('peer', images, passes, async (image) => {
    await peer.detect(image.path)
  })
  return { stats: summarize(run.latenciesMs, run.wallMs), texts }
}

function compareTexts(images: readonly BenchImage[], ours: Map<string, string[]>, peer: Map<string, string[]>) {
  const perImage = images.map((image) => ({ image: image.name, ...agreement(ours.get(image.name) ?? [], peer.get(image.name) ?? []) }))
  const total: Agreement = perImage.reduce(
    (sum, a) => ({
      ours: sum.ours + a.ours,
      peer: sum.peer + a.peer,
      agreed: sum.agreed + a.agreed,
      chars: sum.chars + a.chars,
      agreedChars: sum.agreedChars + a.agreedChars,
    }),
    { ours: 0, peer: 0, agreed: 0, chars: 0, agreedChars: 0 },
  )
  return { perImage, total }
}

function non200(load: HttpLoadResult): number {
  return Object.entries(load.statuses).reduce((n, [status, count]) => (status === '200' ? n : n + count), 0)
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2))
  if (!existsSync(IMAGES_DIR)) {
    console.error(`bench:ocr needs the OCR test images in ${IMAGES_DIR}, which is absent: put ../shared/assets beside the project`)
    return 1
  }
  const images = await loadImages(IMAGES_DIR)
  if (images.length === 0) {
    console.error(`bench:ocr found no image files in ${IMAGES_DIR}`)
    return 1
  }
  // models.dir and the default config path are relative to the project root.
  process.chdir(PROJECT_ROOT)
  const loaded = await loadConfig(args.configFile ?? DEFAULT_CONFIG_PATH)
  const config: ServingConfig = { ...loaded.config, server: { ...loaded.config.server, host: '127.0.0.1', port: 0 } }
  const machine = machineInfo()

  const ours = await benchOurs(config, images, args.passes)
  const peer = await benchPeer(images, args.passes)

  const phases = {
    inProcess: ours.inProcess,
    httpC1: summarize(ours.httpC1.latenciesMs, ours.httpC1.wallMs),
    httpC4: summarize(ours.httpC4.latenciesMs, ours.httpC4.wallMs),
    peer: peer.stats,
  }
  const result: OcrBenchResult = {
    date: new Date().toISOString(),
    machine,
    loadAverageAtEnd: machineInfo().loadAverage,
    configFile: path.relative(PROJECT_ROOT, loaded.file) || loaded.file,
    ops: config.services.ocr.ops,
    runtime: config.runtime,
    imagesDir: path.relative(PROJECT_ROOT, IMAGES_DIR),
    images: images.length,
    passes: args.passes,
    phases,
    stages: { inProcess: ours.inProcessStages.means(), httpC1: ours.httpC1.stages.means(), httpC4: ours.httpC4.stages.means() },
    httpStatuses: { httpC1: ours.httpC1.statuses, httpC4: ours.httpC4.statuses },
    agreement: compareTexts(images, ours.texts, peer.texts),
    ratios: {
      latencyInProcessVsPeer: phases.inProcess.meanMs / phases.peer.meanMs,
      latencyHttpC1VsPeer: phases.httpC1.meanMs / phases.peer.meanMs,
      throughputHttpC4VsPeer: phases.httpC4.imagesPerS / phases.peer.imagesPerS,
    },
  }
  process.stdout.write(formatReport(result) + '\n')
  if (args.jsonFile) {
    await writeFile(args.jsonFile, JSON.stringify(result, null, 2) + os.EOL)
    console.error(`wrote ${args.jsonFile}`)
  }

  const failures = [...ours.httpC1.failures, ...ours.httpC4.failures]
  const bad = non200(ours.httpC1) + non200(ours.httpC4)
  if (bad > 0) {
    console.error(`${bad} HTTP response(s) were not 200; first ones:\n  ${failures.join('\n  ')}`)
    return 1
  }
  return 0
}

runBench(main)
