/**
 * Replays recorded model feeds (./record-feeds.ts) on plain onnxruntime-node sessions, timing each
 * call: the model work of a request with nothing around it. Shared by the floor's in-thread
 * latency pass and its worker threads (./replay-worker.ts).
 */
import ort from 'onnxruntime-node'
import { modelLabel, type ImageCalls, type RecordedFeed } from './record-feeds.js'

export interface PreparedCall {
  readonly model: string
  readonly session: ort.InferenceSession
  readonly feeds: Record<string, ort.Tensor>
}

export interface Replayer {
  readonly images: ReadonlyArray<{ readonly image: string; readonly calls: readonly PreparedCall[] }>
  /** One pass over every image: the summed model-call ms of each image, and ms per model over the pass. */
  pass(): Promise<{ perImageMs: number[]; perModelMs: Record<string, number> }>
  close(): Promise<void>
}

function toOrt({ dtype, dims, data }: RecordedFeed): ort.Tensor {
  // Converted once, before timing, as the server's session does for integer inputs.
  if (dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(Math.round(v))), dims)
  if (dtype === 'int32') return new ort.Tensor('int32', Int32Array.from(data, Math.round), dims)
  return new ort.Tensor('float32', data, dims)
}

/** One session per model, `threads` intra-op threads, onnxruntime's defaults otherwise. */
export async function createReplayer(images: readonly ImageCalls[], threads: number): Promise<Replayer> {
  const paths = [...new Set(images.flatMap((image) => image.calls.map((call) => call.modelPath)))]
  const sessions = new Map<string, ort.InferenceSession>()
  for (const modelPath of paths) {
    sessions.set(modelPath, await ort.InferenceSession.create(modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' }))
  }
  const prepared = images.map(({ image, calls }) => ({
    image,
    calls: calls.map((call) => ({
      model: modelLabel(call.modelPath),
      session: sessions.get(call.modelPath)!,
      feeds: Object.fromEntries(call.feeds.map((feed) => [feed.name, toOrt(feed)])),
    })),
  }))
  return {
    images: prepared,
    async pass() {
      const perImageMs: number[] = []
      const perModelMs: Record<string, number> = {}
      for (const { calls } of prepared) {
        let sum = 0
        for (const call of calls) {
          const t0 = performance.now()
          await call.session.run(call.feeds)
          const ms = performance.now() - t0
          sum += ms
          perModelMs[call.model] = (perModelMs[call.model] ?? 0) + ms
        }
        perImageMs.push(sum)
      }
      return { perImageMs, perModelMs }
    },
    async close() {
      for (const session of sessions.values()) await session.release()
    },
  }
}
