/**
 * One measured load phase against the server child: latency and throughput from the client,
 * and, from the server's side of the same interval, its CPU use (/proc), the mean batch size of
 * each op (/metrics) and how many connections the clients really had open.
 */
import { meanBatchSizes, scrapeBatchTotals } from './batch-metrics.js'
import { runHttpLoad, type HttpLoadOptions, type LoadJob } from './http-load.js'
import type { BenchImage } from './images.js'
import { connectionsTo, CpuMeter } from './proc-stats.js'
import type { ServerProcess } from './server-process.js'
import { summarize, type PhaseStats } from './stats.js'

export interface ServerSample {
  /** Server CPU time ÷ wall time, % of one core (200 = two cores busy). */
  readonly serverCorePct: number
  /** The same as % of the cores the server may run on (its affinity mask). */
  readonly serverBudgetPct: number
  readonly serverCores: number
  /** The benchmark process's own CPU (load generator) over the phase, % of one core. */
  readonly clientCorePct: number
  /** Most client connections open at once (sampled every 100 ms; idle keep-alive ones included). */
  readonly maxConnections: number
  /** Mean items per model call of each op that ran. */
  readonly batch: Record<string, number>
}

export interface LevelResult extends ServerSample {
  readonly concurrency: number
  readonly stats: PhaseStats
  readonly statuses: Record<string, number>
  /** Responses that were not 200. */
  readonly errors: number
  readonly failures: string[]
}

/** `count` jobs cycling through the images in order (every image equally often, ±1). */
export function cycleJobs(images: readonly BenchImage[], count: number): BenchImage[] {
  return Array.from({ length: count }, (_, i) => images[i % images.length]!)
}

export async function sampleServer<T>(server: ServerProcess, run: () => Promise<T>): Promise<{ result: T; sample: ServerSample }> {
  const before = await scrapeBatchTotals(server.url)
  let maxConnections = connectionsTo(server.port)
  const sampler = setInterval(() => {
    maxConnections = Math.max(maxConnections, connectionsTo(server.port))
  }, 100)
  const cpu = new CpuMeter(server.pid)
  const client0 = process.cpuUsage()
  const t0 = performance.now()
  let result: T
  try {
    result = await run()
  } finally {
    clearInterval(sampler)
  }
  const clientCpu = process.cpuUsage(client0)
  const wallMs = performance.now() - t0
  const { corePct, budgetPct, cores } = cpu.read()
  const batch = meanBatchSizes(before, await scrapeBatchTotals(server.url))
  return {
    result,
    sample: {
      serverCorePct: corePct,
      serverBudgetPct: budgetPct,
      serverCores: cores,
      clientCorePct: ((clientCpu.user + clientCpu.system) / 1000 / wallMs) * 100,
      maxConnections,
      batch,
    },
  }
}

export async function runLevel(
  server: ServerProcess,
  label: string,
  route: string,
  jobs: readonly LoadJob[],
  concurrency: number,
  onResponse?: HttpLoadOptions['onResponse'],
): Promise<LevelResult> {
  const { result, sample } = await sampleServer(server, () =>
    runHttpLoad(label, server.url, jobs, concurrency, { route, ...(onResponse ? { onResponse } : {}) }),
  )
  const errors = Object.entries(result.statuses).reduce((n, [status, count]) => (status === '200' ? n : n + count), 0)
  return {
    concurrency,
    stats: summarize(result.latenciesMs, result.wallMs),
    statuses: result.statuses,
    errors,
    failures: result.failures,
    ...sample,
  }
}

/** `0`, or the non-200 answers by status: `503×3 504×1`. */
export function formatErrors(statuses: Record<string, number>): string {
  const bad = Object.entries(statuses).filter(([status]) => status !== '200')
  return bad.length === 0 ? '0' : bad.map(([status, n]) => `${status}×${n}`).join(' ')
}
