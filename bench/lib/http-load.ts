/**
 * Closed-loop HTTP load: `concurrency` workers pull from one shared job list and POST each image as
 * raw bytes to `route` (default /ocr) with fetch. Every non-200 is kept (status and body) rather than thrown, so one
 * bad answer does not hide the rest of the run.
 */
import { performance } from 'node:perf_hooks'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'
import type { TimedRun } from './sequential.js'
import { parseServerTiming, StageTotals } from './stage-totals.js'

export interface HttpLoadResult extends TimedRun {
  readonly statuses: Record<string, number>
  /** `image: status body` of the first few non-200 responses. */
  readonly failures: string[]
  /** Means of the Server-Timing entries of the 200 responses. */
  readonly stages: StageTotals
}

const MAX_FAILURES_KEPT = 5

export async function runHttpLoad(
  label: string,
  url: string,
  jobs: readonly BenchImage[],
  concurrency: number,
  route = '/ocr',
): Promise<HttpLoadResult> {
  const latenciesMs: number[] = []
  const statuses: Record<string, number> = {}
  const failures: string[] = []
  const stages = new StageTotals()
  let next = 0
  let done = 0

  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const image = jobs[next++]!
      const t0 = performance.now()
      const response = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': image.mime }, body: image.bytes })
      // Reading the whole body is part of the request: the latency ends with the last byte.
      const body = await response.text()
      latenciesMs.push(performance.now() - t0)
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
      if (response.status === 200) stages.addRequest(parseServerTiming(response.headers.get('server-timing')))
      else if (failures.length < MAX_FAILURES_KEPT) failures.push(`${image.name}: ${response.status} ${body.slice(0, 200)}`)
      progress(`${label}: request ${++done}/${jobs.length} (${image.name})`)
    }
  }

  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  progressDone()
  return { latenciesMs, wallMs: performance.now() - started, statuses, failures, stages }
}
