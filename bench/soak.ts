/**
 * Soak benchmark (`npm run bench:soak -- [--requests 5000] [--concurrency 4] [--json FILE]`): a
 * server child process with config/serving.yml answers a long, bounded run of mixed /classify,
 * /recognize and /ocr requests with the real images at fixed concurrency, while its RSS is
 * sampled every second. Checks: RSS growth after warm-up < 10 %, no 5xx but 503, p99 of the last
 * fifth ≤ 1.2 × the first. Results on stdout, progress on stderr. See bench/BENCHMARKS.md.
 */
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { PROJECT_ROOT } from './lib/bench-config.js'
import { parseCommandLine, UsageError } from './lib/args.js'
import { runHttpLoad, type LoadJob } from './lib/http-load.js'
import { serviceImages } from './lib/images.js'
import { SERVICE_IMAGES, type ServiceName } from './lib/load-plan.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { CpuMeter, rssBytes } from './lib/proc-stats.js'
import { progress, progressDone } from './lib/progress.js'
import { seededRandom } from '../src/util/seeded-random.js'
import { startServer } from './lib/server-process.js'
import { analyzeSoak, formatSoak, type RssSample, type SoakAnswer } from './lib/soak-analysis.js'

/**
 * Share of requests per service, %. Mostly the cheap services, so 5,000 requests take ~10–15 min
 * on 2 cores: at c=4 a request costs ≈ 27 ms of server time for classify, ≈ 90 ms for recognize,
 * ≈ 260 ms for OCR (`npm run bench`), ≈ 130 ms on average with this mix.
 */
const MIX: Readonly<Record<ServiceName, number>> = { classify: 25, recognize: 40, ocr: 35 }
const USAGE = 'usage: npm run bench:soak -- [--requests N] [--concurrency C] [--json FILE]'

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: { requests: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '4' }, json: { type: 'string' } },
    strict: true,
  })
  const requests = Number(values.requests)
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(requests) || requests < 50) throw new UsageError(`--requests must be an integer ≥ 50\n${USAGE}`)
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer\n${USAGE}`)
  return { requests, concurrency, jsonFile: values.json === undefined ? undefined : path.resolve(values.json) }
}

/** A fixed, seeded sequence: each request's service drawn by MIX, images cycled per service. */
async function mixedJobs(count: number): Promise<Array<LoadJob & { service: ServiceName }>> {
  const services = Object.keys(MIX) as ServiceName[]
  const images = Object.fromEntries(await Promise.all(services.map(async (s) => [s, await serviceImages(s)] as const)))
  const total = services.reduce((sum, s) => sum + MIX[s], 0)
  const random = seededRandom(42)
  const used: Record<string, number> = {}
  return Array.from({ length: count }, () => {
    let pick = random() * total
    const service = services.find((s) => (pick -= MIX[s]) < 0) ?? services[services.length - 1]!
    const list = images[service]!
    const image = list[(used[service] = (used[service] ?? -1) + 1) % list.length]!
    return { ...image, route: SERVICE_IMAGES[service].route, service }
  })
}

async function main(): Promise<void> {
  const args = parseCommandLine(parse, USAGE)
  process.chdir(PROJECT_ROOT)
  const machine = machineInfo()
  const jobs = await mixedJobs(args.requests)
  const counts = Object.fromEntries((Object.keys(MIX) as ServiceName[]).map((s) => [s, jobs.filter((j) => j.service === s).length]))
  console.log(`soak benchmark  ${new Date().toISOString()}`)
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}; load ${formatLoad(machine.loadAverage)} at start`)
  console.log(`${args.requests} requests at concurrency ${args.concurrency}, closed loop, seeded mix ${JSON.stringify(MIX)} (%):`)
  console.log(`  ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')} — mostly the cheap services so the run stays ~10–15 min on 2 cores`)

  const server = await startServer({ label: 'soak' })
  const answers: SoakAnswer[] = []
  const samples: RssSample[] = []
  let endRss = Number.NaN
  let cpu
  const t0 = performance.now()
  const sampler = setInterval(() => {
    const sample = { atMs: performance.now() - t0, rssBytes: rssBytes(server.pid), done: answers.length }
    samples.push(sample)
    const errors = answers.filter((a) => a.status !== 200).length
    progress(`soak: ${sample.done}/${args.requests} requests, ${(sample.atMs / 1000).toFixed(0)} s, RSS ${(sample.rssBytes / 2 ** 20).toFixed(0)} MB, errors ${errors}`)
  }, 1000)
  try {
    const meter = new CpuMeter(server.pid)
    samples.push({ atMs: 0, rssBytes: rssBytes(server.pid), done: 0 })
    await runHttpLoad('soak', server.url, jobs, args.concurrency, {
      quiet: true,
      onResponse: (job, _index, status, _body, ms) => {
        answers.push({ service: (job as (typeof jobs)[number]).service, status, ms, doneAtMs: performance.now() - t0 })
      },
    })
    endRss = rssBytes(server.pid)
    cpu = meter.read()
  } finally {
    clearInterval(sampler)
    progressDone()
    await server.stop()
  }
  const wallS = (performance.now() - t0) / 1000
  const analysis = analyzeSoak(answers, samples, endRss)
  console.log(`\nserver ready after ${server.readyAfterS.toFixed(1)} s; run ${wallS.toFixed(0)} s, ${(answers.length / wallS).toFixed(1)} requests/s;` +
    ` server cpu ${cpu.corePct.toFixed(0)} % of a core (${cpu.budgetPct.toFixed(0)} % of its ${cpu.cores})\n`)
  console.log(formatSoak(analysis))
  console.log(`\nload ${formatLoad(machineInfo().loadAverage)} at end`)
  if (args.jsonFile) {
    const result = { date: new Date().toISOString(), machine, mix: MIX, counts, ...args, wallS, cpu, analysis, rssSamples: samples }
    await writeFile(args.jsonFile, JSON.stringify(result, null, 2) + os.EOL)
    console.error(`wrote ${args.jsonFile}`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error)
  process.exitCode = 1
})
