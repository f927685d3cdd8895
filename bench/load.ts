/**
 * Load benchmark (`npm run bench -- [--only PARTS] [--quick] [--json FILE]`): /ocr, /classify and
 * /recognize over HTTP against a server running as a separate process with config/serving.yml,
 * at concurrency 1–16 (throughput, latency percentiles, errors, batch sizes, server CPU), beside
 * each service's floor (its model calls alone on bare onnxruntime-node, measured in the same run);
 * for OCR also an open-loop phase at 80 % of the best throughput, the peer library, latency per
 * text line, and scaling from 1 to 2 server cores. Results on stdout, progress on stderr.
 * See bench/BENCHMARKS.md.
 */
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import { benchConfig, PROJECT_ROOT } from './lib/bench-config.js'
import { UsageError } from './lib/args.js'
import { classifyFeeds } from './lib/bare-classify.js'
import { formatCores, runCores } from './lib/cores.js'
import { measureFloor, type FloorResult } from './lib/floor.js'
import { serviceImages, type BenchImage } from './lib/images.js'
import { parseLoadPlan, type LoadPlan, type ServiceName } from './lib/load-plan.js'
import { acceptance, formatAcceptance, formatService, formatSummary, type LoadResult, type PeerResult, type ServiceResult } from './lib/load-report.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { createPeerOcr } from './lib/peer-ocr.js'
import { progress } from './lib/progress.js'
import { recordFeeds } from './lib/record-feeds.js'
import { runSequential } from './lib/sequential.js'
import { startServer } from './lib/server-process.js'
import { runOcrOpenLoop, runSweep, type OpenLoopPhase } from './lib/service-sweep.js'
import { summarize } from './lib/stats.js'

const SERVICES: readonly ServiceName[] = ['ocr', 'classify', 'recognize']

/** Run while the server is idle: the floor uses every core of the machine. */
async function floorOf(service: ServiceName, images: readonly BenchImage[], plan: LoadPlan): Promise<FloorResult> {
  const config = await benchConfig([service])
  const recorded =
    service === 'classify'
      ? await classifyFeeds(config.models.dir, config.services.classify.default_model, images)
      : await recordFeeds(config, service, images)
  const cores = os.availableParallelism()
  return measureFloor(service, recorded, { threads: cores, workers: cores, ...plan.floor })
}

/** After the sweep, never alongside it: the peer runs on this thread and blocks its event loop. */
async function peerOf(images: readonly BenchImage[], plan: LoadPlan): Promise<PeerResult> {
  const chosen = plan.peerImages > 0 ? images.slice(0, plan.peerImages) : images
  progress('peer: loading @gutenye/ocr-node')
  const peer = await createPeerOcr()
  await runSequential('peer warm-up', chosen, 1, async (image) => void (await peer.detect(image.path)))
  const run = await runSequential('peer', chosen, 1, async (image) => void (await peer.detect(image.path)))
  return { images: chosen.length, stats: summarize(run.latenciesMs, run.wallMs) }
}

async function measureServices(plan: LoadPlan): Promise<Partial<Record<ServiceName, ServiceResult>>> {
  const linesOnly = plan.parts.has('lines') && !plan.parts.has('ocr')
  const wanted = SERVICES.filter((s) => plan.parts.has(s) || (s === 'ocr' && linesOnly))
  const results: Partial<Record<ServiceName, ServiceResult>> = {}
  if (wanted.length === 0) return results
  const server = await startServer({ label: 'sweep' })
  try {
    for (const service of wanted) {
      const images = await serviceImages(service)
      const levels = service === 'ocr' && linesOnly ? [1] : plan.levels
      const sweep = await runSweep(server, service, plan.services[service], images, levels)
      let openLoop: OpenLoopPhase | undefined
      if (service === 'ocr' && !linesOnly) {
        openLoop = await runOcrOpenLoop(server, sweep, images, plan.openLoop.requests, plan.openLoop.loadFactor, plan.arrivals)
      }
      const floor = linesOnly && service === 'ocr' ? undefined : await floorOf(service, images, plan)
      const peer = service === 'ocr' && !linesOnly ? await peerOf(images, plan) : undefined
      const result: ServiceResult = { sweep, ...(floor && { floor }), ...(openLoop && { openLoop }), ...(peer && { peer }) }
      results[service] = result
      process.stdout.write(`\n${formatService(service, result)}\n`)
    }
  } finally {
    await server.stop()
  }
  return results
}

async function main(): Promise<void> {
  const plan = parseLoadPlan(process.argv.slice(2))
  process.chdir(PROJECT_ROOT) // models.dir and the other config paths are relative to it
  const started = performance.now()
  const machine = machineInfo()
  const config = await benchConfig(SERVICES)
  const ops = Object.fromEntries(SERVICES.map((s) => [s, config.services[s].ops]))
  console.log(`load benchmark  ${new Date().toISOString()}${plan.quick ? '  (--quick: smoke run, numbers not meaningful)' : ''}`)
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}; load ${formatLoad(machine.loadAverage)} at start`)
  console.log(`server: separate process, config/serving.yml (host 127.0.0.1, free port, absolute paths); runtime ${JSON.stringify(config.runtime)}`)
  console.log(`parts: ${[...plan.parts].join(', ')}; levels ${plan.levels.join(', ')}; client: fetch (undici, keep-alive), closed loop`)

  const services = await measureServices(plan)
  let cores
  if (plan.parts.has('cores')) {
    const images = await serviceImages('ocr')
    cores = await runCores(images, plan.cores.c1Requests, plan.cores.c4Requests)
    console.log(`\n## /ocr on 1 core vs 2 cores (fresh server per row, taskset; c=1 ${plan.cores.c1Requests}, c=4 ${plan.cores.c4Requests} requests)\n`)
    console.log(formatCores(cores))
  }

  const result: LoadResult = {
    date: new Date().toISOString(),
    machine,
    quick: plan.quick,
    parts: [...plan.parts],
    runtime: config.runtime,
    ops,
    services,
    ...(cores && { cores }),
    acceptance: acceptance(services),
  }
  if (Object.keys(services).length > 0) console.log(`\n## Summary\n\n${formatSummary(result)}`)
  console.log(`\n## Acceptance\n\n${formatAcceptance(result.acceptance)}`)
  const wallS = (performance.now() - started) / 1000
  console.log(`\nwall time ${wallS.toFixed(0)} s; load ${formatLoad(machineInfo().loadAverage)} at end`)
  if (plan.jsonFile) {
    await writeFile(plan.jsonFile, JSON.stringify({ ...result, wallS, loadAverageAtEnd: machineInfo().loadAverage }, null, 2) + os.EOL)
    console.error(`wrote ${plan.jsonFile}`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error)
  process.exitCode = 1
})
