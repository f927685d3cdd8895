/**
 * The concurrency sweep of one service against the server child (closed loop, each level on its
 * own), the OCR open-loop phase that follows it, and the OCR line-cost table taken from its c=1
 * level.
 */
import type { BenchImage } from './images.js'
import { fitLines, LineCostCollector, type ImageCost, type LineFit } from './line-cost.js'
import { cycleJobs, runLevel, sampleServer, type LevelResult, type ServerSample } from './load-level.js'
import type { ServiceName, ServiceSpec } from './load-plan.js'
import { requestsFor } from './load-plan.js'
import { runOpenLoop, type Arrivals, type OpenLoopResult } from './open-loop.js'
import { runHttpLoad } from './http-load.js'
import type { ServerProcess } from './server-process.js'

export interface SweepResult {
  readonly service: ServiceName
  readonly route: string
  readonly images: number
  readonly levels: LevelResult[]
  /** OCR only: c=1 latency per image against its text lines. */
  readonly lineCost?: { readonly costs: ImageCost[]; readonly fit: LineFit }
}

export interface OpenLoopPhase {
  readonly loadFactor: number
  /** The best closed-loop images/s of the sweep the rate derives from. */
  readonly maxClosedLoop: number
  readonly result: OpenLoopResult
  readonly sample: ServerSample
}

export async function runSweep(
  server: ServerProcess,
  service: ServiceName,
  spec: ServiceSpec,
  images: readonly BenchImage[],
  levels: readonly number[],
): Promise<SweepResult> {
  // Not measured: first calls of each model and of each input shape are slow.
  const warm = await runHttpLoad(`${service} warm-up`, server.url, images, 1, spec.route)
  if (warm.failures.length > 0) throw new Error(`${service} warm-up failed: ${warm.failures.join('; ')}`)
  const results: LevelResult[] = []
  const lines = service === 'ocr' ? new LineCostCollector() : undefined
  for (const concurrency of levels) {
    const jobs = cycleJobs(images, requestsFor(spec, concurrency, images.length))
    const onResponse =
      lines && concurrency === 1
        ? (job: BenchImage, _index: number, status: number | string, body: string, ms: number) => {
            if (status === 200) lines.add(job.name, body, ms)
          }
        : undefined
    results.push(await runLevel(server, `${service} c=${concurrency}`, spec.route, jobs, concurrency, onResponse))
  }
  const costs = lines?.costs()
  return {
    service,
    route: spec.route,
    images: images.length,
    levels: results,
    ...(costs && costs.length > 1 ? { lineCost: { costs, fit: fitLines(costs) } } : {}),
  }
}

export async function runOcrOpenLoop(
  server: ServerProcess,
  sweep: SweepResult,
  images: readonly BenchImage[],
  requests: number,
  loadFactor: number,
  arrivals: Arrivals,
): Promise<OpenLoopPhase> {
  const maxClosedLoop = Math.max(...sweep.levels.map((level) => level.stats.imagesPerS))
  const rate = loadFactor * maxClosedLoop
  const { result, sample } = await sampleServer(server, () =>
    runOpenLoop(`ocr open loop ${rate.toFixed(2)}/s`, server.url, sweep.route, cycleJobs(images, requests), rate, arrivals),
  )
  return { loadFactor, maxClosedLoop, result, sample }
}
