/**
 * A ModelSession backed by N worker threads, each holding its own onnxruntime session (like
 * Triton's instance groups). Calls go to an idle worker; the engine's op concurrency normally
 * equals N, so the small wait queue here only absorbs bursts. Feed tensors are transferred, not
 * copied: callers must not reuse a feed's data after run().
 */
import { Worker } from 'node:worker_threads'
import { InferenceError, ModelLoadError } from '../engine/errors.js'
import { log } from '../util/log.js'
import type { ModelSession, SessionOptions } from './session.js'
import type { Tensor } from './tensor.js'
import { transferList, type WorkerReply, type WorkerRequest, type WorkerStartup } from './worker-protocol.js'

// Under tsx (sources) the worker needs a JavaScript entry that registers tsx first; compiled
// (dist/) it starts the worker module itself.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./session-worker-entry.mjs', import.meta.url)
  : new URL('./session-worker.js', import.meta.url)

interface PendingCall {
  resolve: (outputs: Record<string, Tensor>) => void
  reject: (error: Error) => void
}

interface PoolWorker {
  worker: Worker
  current?: PendingCall & { id: number }
}

async function startWorker(modelPath: string, options: SessionOptions): Promise<{ worker: Worker; startup: WorkerStartup }> {
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

export async function createWorkerPoolSession(
  modelPath: string,
  options: SessionOptions,
  instances: number,
): Promise<ModelSession> {
  const started = await Promise.allSettled(Array.from({ length: instances }, () => startWorker(modelPath, options)))
  const failure = started.find((s) => s.status === 'rejected' || !s.value.startup.ready)
  if (failure) {
    for (const s of started) if (s.status === 'fulfilled') await s.value.worker.terminate()
    const reason =
      failure.status === 'rejected'
        ? (failure.reason as Error).message
        : (failure.value.startup as { error: { message: string } }).error.message
    throw new ModelLoadError(`cannot load ONNX model ${modelPath}: ${reason}`)
  }
  const first = (started[0] as PromiseFulfilledResult<{ startup: WorkerStartup }>).value.startup as Extract<
    WorkerStartup,
    { ready: true }
  >

  let nextId = 1
  let closed = false
  const all = new Set<PoolWorker>()
  const idle: PoolWorker[] = []
  const waiting: Array<{ feeds: Record<string, Tensor> } & PendingCall> = []

  const dispatch = (slot: PoolWorker, feeds: Record<string, Tensor>, call: PendingCall) => {
    const id = nextId++
    slot.current = { id, ...call }
    const request: WorkerRequest = { id, feeds }
    slot.worker.postMessage(request, transferList(feeds))
  }

  const release = (slot: PoolWorker) => {
    slot.current = undefined
    const next = waiting.shift()
    if (next) dispatch(slot, next.feeds, next)
    else idle.push(slot)
  }

  const attach = (worker: Worker) => {
    const slot: PoolWorker = { worker }
    all.add(slot)
    worker.on('message', (reply: WorkerReply) => {
      const call = slot.current
      if (!call || call.id !== reply.id) return
      // The in-worker session's InferenceError already names the model; other errors do not.
      if (reply.error) call.reject(new InferenceError(reply.error.name === 'InferenceError' ? reply.error.message : `model ${modelPath} failed: ${reply.error.message}`))
      else call.resolve(reply.outputs)
      release(slot)
    })
    worker.on('error', (error) => slot.current?.reject(new InferenceError(`model worker crashed: ${error.message}`, { cause: error })))
    worker.on('exit', (code) => {
      slot.current?.reject(new InferenceError(`model worker for ${modelPath} exited (code ${code})`))
      slot.current = undefined
      all.delete(slot)
      const at = idle.indexOf(slot)
      if (at >= 0) idle.splice(at, 1)
      // Replace a crashed instance so one bad input cannot take the model down for good.
      if (!closed) {
        startWorker(modelPath, options)
          .then(({ worker: fresh, startup }) => {
            if (!startup.ready || closed) return fresh.terminate()
            release(attach(fresh))
          })
          .catch((error: Error) => log.error(`cannot restart model worker for ${modelPath}`, { reason: error.message }))
      }
    })
    return slot
  }

  for (const s of started) idle.push(attach((s as PromiseFulfilledResult<{ worker: Worker }>).value.worker))

  return {
    inputs: first.inputs,
    outputs: first.outputs,
    run(feeds) {
      if (closed) return Promise.reject(new InferenceError(`session for ${modelPath} is closed`))
      return new Promise((resolve, reject) => {
        const slot = idle.pop()
        if (slot) dispatch(slot, feeds, { resolve, reject })
        else waiting.push({ feeds, resolve, reject })
      })
    },
    async close() {
      closed = true
      for (const call of waiting.splice(0)) call.reject(new InferenceError(`session for ${modelPath} closed`))
      idle.splice(0)
      await Promise.all([...all].map((slot) => slot.worker.terminate()))
    },
  }
}
