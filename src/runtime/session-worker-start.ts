/** Starts one model worker thread (./session-worker.ts) and waits for its session to load. */
import { Worker } from 'node:worker_threads'
import type { SessionOptions } from './session.js'
import type { WorkerStartup } from './worker-protocol.js'

// Under tsx (sources) the worker needs a JavaScript entry that registers tsx first; compiled
// (dist/) it starts the worker module itself.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./session-worker-entry.mjs', import.meta.url)
  : new URL('./session-worker.js', import.meta.url)

export async function startSessionWorker(modelPath: string, options: SessionOptions): Promise<{ worker: Worker; startup: WorkerStartup }> {
  const worker = new Worker(WORKER_URL, { workerData: { modelPath, options } })
  // Remove only our own listeners: Worker keeps internal ones that removeAllListeners() would break.
  let onMessage!: (startup: WorkerStartup) => void
  let onError!: (error: Error) => void
  let onExit!: (code: number) => void
  try {
    const startup = await new Promise<WorkerStartup>((resolve, reject) => {
      onMessage = resolve
      onError = reject
      onExit = (code) => reject(new Error(`worker exited with code ${code} while loading`))
      worker.once('message', onMessage).once('error', onError).once('exit', onExit)
    })
    return { worker, startup }
  } finally {
    worker.off('message', onMessage).off('error', onError).off('exit', onExit)
  }
}
