/**
 * The floor of a service: its recorded model feeds (./record-feeds.ts) replayed on bare
 * onnxruntime-node, with no HTTP, decoding, pre/postprocessing, queues or worker hops.
 * - latency: each image's model calls in sequence on sessions with `threads` intra-op threads
 *   (all cores) in this thread; per image, the sum of its call times;
 * - throughput: `workers` worker threads (one per core), each replaying every image on its own
 *   single-threaded sessions, all started together; images replayed ÷ wall time. Measured, not
 *   estimated; the estimate workers × 1000 / (1-thread ms per image) is kept beside it.
 */
import { Worker } from 'node:worker_threads'
import type { ImageCalls } from './record-feeds.js'
import { progress, progressDone } from './progress.js'
import { createReplayer } from './replay.js'
import { summarize, type PhaseStats } from './stats.js'

export interface FloorResult {
  readonly threads: number
  /** Per-image sums of model-call ms at `threads` threads; one sample per image per pass. */
  readonly latency: PhaseStats
  /** Mean ms per image spent in each model. */
  readonly perModelMs: Record<string, number>
  readonly callsPerImage: number
  readonly workers: number
  /** Mean summed model ms per image on one thread, inside the workers. */
  readonly oneThreadMsPerImage: number
  readonly throughput: number
  readonly estimatedThroughput: number
}

export interface FloorOptions {
  readonly threads: number
  readonly workers: number
  readonly latencyPasses: number
  readonly throughputPasses: number
}

async function measureLatency(label: string, images: readonly ImageCalls[], threads: number, passes: number) {
  const replayer = await createReplayer(images, threads)
  try {
    progress(`floor ${label}: warm-up pass at ${threads} threads`)
    await replayer.pass()
    const samples: number[] = []
    const perModelMs: Record<string, number> = {}
    const started = performance.now()
    for (let pass = 0; pass < passes; pass++) {
      progress(`floor ${label}: latency pass ${pass + 1}/${passes} at ${threads} threads`)
      const run = await replayer.pass()
      samples.push(...run.perImageMs)
      for (const [model, ms] of Object.entries(run.perModelMs)) perModelMs[model] = (perModelMs[model] ?? 0) + ms / (passes * images.length)
    }
    return { latency: summarize(samples, performance.now() - started), perModelMs }
  } finally {
    await replayer.close()
  }
}

async function measureThroughput(label: string, images: readonly ImageCalls[], workers: number, passes: number) {
  progress(`floor ${label}: starting ${workers} single-threaded replay workers`)
  const threads = Array.from({ length: workers }, () => new Worker(new URL('./replay-worker-entry.mjs', import.meta.url), { workerData: { images, passes } }))
  try {
    const message = (worker: Worker) =>
      new Promise<{ perImageMs?: number[] }>((resolve, reject) => {
        worker.once('message', resolve).once('error', reject)
      })
    await Promise.all(threads.map(message)) // each loaded and warmed up
    progress(`floor ${label}: ${workers} workers × ${passes} pass(es) of ${images.length} images`)
    const finished = threads.map(message)
    const started = performance.now()
    for (const worker of threads) worker.postMessage('go')
    const results = await Promise.all(finished)
    const wallMs = performance.now() - started
    const samples = results.flatMap((r) => r.perImageMs ?? [])
    const oneThreadMsPerImage = samples.reduce((a, b) => a + b, 0) / samples.length
    return { throughput: (samples.length * 1000) / wallMs, oneThreadMsPerImage }
  } finally {
    await Promise.all(threads.map((worker) => worker.terminate()))
  }
}

export async function measureFloor(label: string, images: readonly ImageCalls[], options: FloorOptions): Promise<FloorResult> {
  const { latency, perModelMs } = await measureLatency(label, images, options.threads, options.latencyPasses)
  const { throughput, oneThreadMsPerImage } = await measureThroughput(label, images, options.workers, options.throughputPasses)
  progressDone()
  const calls = images.reduce((n, image) => n + image.calls.length, 0)
  return {
    threads: options.threads,
    latency,
    perModelMs,
    callsPerImage: calls / images.length,
    workers: options.workers,
    oneThreadMsPerImage,
    throughput,
    estimatedThroughput: (options.workers * 1000) / oneThreadMsPerImage,
  }
}
