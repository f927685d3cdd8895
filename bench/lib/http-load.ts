/**
 * Closed-loop HTTP load: `concurrency` workers pull from one shared job list and POST each image as
 * raw bytes to its route (default /ocr) with fetch. Every non-200 is kept (status and body) rather than thrown, so one
 * bad answer does not hide the rest of the run; a failed connection counts as status `fetch-error`.
 *
 * fetch is Node's built-in undici: its global Agent keeps connections alive and opens as many per
 * origin as there are requests in flight, so `concurrency` workers really are that many
 * connections (bench/lib/proc-stats.ts `connectionsTo` shows it).
 */
import { performance } from 'node:perf_hooks'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'
import type { TimedRun } from './sequential.js'
import { parseServerTiming, StageTotals } from './stage-totals.js'

/** An image to send; `route` overrides the run's route (mixed loads). */
export type LoadJob = BenchImage & { readonly route?: string }

export interface HttpLoadResult extends TimedRun {
  readonly statuses: Record<string, number>
  /** `image: status body` of the first few non-200 responses. */
  readonly failures: string[]
  /** Means of the Server-Timing entries of the 200 responses. */
  readonly stages: StageTotals
}

export interface HttpLoadOptions {
  readonly route?: string
  /** Every answer, in completion order; `index` is the job's position in the list. */
  readonly onResponse?: (job: LoadJob, index: number, status: number | 'fetch-error', body: string, ms: number) => void
  /** No progress lines (the caller prints its own). */
  readonly quiet?: boolean
}

const MAX_FAILURES_KEPT = 5
// Progress at most this often: a line per request floods a log file.
const PROGRESS_EVERY_MS = 250

export interface PostResult {
  readonly status: number | 'fetch-error'
  readonly body: string
  readonly serverTiming: string | null
}

/** One POST of an image; the whole body is read, so a latency ends with its last byte. */
export async function postImage(url: string, image: BenchImage): Promise<PostResult> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': image.mime }, body: image.bytes })
    return { status: response.status, body: await response.text(), serverTiming: response.headers.get('server-timing') }
  } catch (error) {
    return { status: 'fetch-error', body: (error as Error).message, serverTiming: null }
  }
}

export async function runHttpLoad(
  label: string,
  url: string,
  jobs: readonly LoadJob[],
  concurrency: number,
  routeOrOptions: string | HttpLoadOptions = '/ocr',
): Promise<HttpLoadResult> {
  const options: HttpLoadOptions = typeof routeOrOptions === 'string' ? { route: routeOrOptions } : routeOrOptions
  const latenciesMs: number[] = []
  const statuses: Record<string, number> = {}
  const failures: string[] = []
  const stages = new StageTotals()
  let next = 0
  let done = 0
  let lastProgress = 0

  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++
      const job = jobs[index]!
      const t0 = performance.now()
      const answer = await postImage(`${url}${job.route ?? options.route ?? '/ocr'}`, job)
      const ms = performance.now() - t0
      latenciesMs.push(ms)
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
      if (answer.status === 200) stages.addRequest(parseServerTiming(answer.serverTiming))
      else if (failures.length < MAX_FAILURES_KEPT) failures.push(`${job.name}: ${answer.status} ${answer.body.slice(0, 200)}`)
      options.onResponse?.(job, index, answer.status, answer.body, ms)
      done++
      if (!options.quiet && (done === jobs.length || performance.now() - lastProgress >= PROGRESS_EVERY_MS)) {
        lastProgress = performance.now()
        progress(`${label}: request ${done}/${jobs.length} (${job.name})`)
      }
    }
  }

  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (!options.quiet) progressDone()
  return { latenciesMs, wallMs: performance.now() - started, statuses, failures, stages }
}
