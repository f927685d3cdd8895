/**
 * A ModelSession backed by worker threads, each holding its own onnxruntime session (like
 * Triton's instance groups). Calls go to an idle worker; the engine's op concurrency normally
 * equals the instance count, so the small wait queue here only absorbs bursts. Feed tensors are
 * transferred, not copied: callers must not reuse a feed's data after run().
 *
 * With a CPU budget (./cpu-budget.ts) every call first asks it for threads: `instances` narrow
 * workers run calls that overlap others, and one more worker with a session of `wideThreads`
 * intra-op threads runs a call that has the cores to itself.
 */
import { performance } from 'node:perf_hooks'
import type { Worker } from 'node:worker_threads'
import type { BatchCall } from '../engine/batch-call.js'
import { InferenceError, ModelLoadError } from '../engine/errors.js'
import { log } from '../util/log.js'
import type { CpuBudget, CpuGrant } from './cpu-budget.js'
import type { ModelSession, SessionOptions } from './session.js'
import { startSessionWorker } from './session-worker-start.js'
import type { Tensor } from './tensor.js'
import { transferList, type WorkerReply, type WorkerRequest } from './worker-protocol.js'

interface PendingCall {
  readonly feeds: Record<string, Tensor>
  readonly grant: CpuGrant | undefined
  /** performance.now() when run() was called: the wait for threads and a worker ends at dispatch. */
  readonly calledAt: number
  /** Where the wait is reported, so the engine counts it as queued rather than model time. */
  readonly batchCall: BatchCall | undefined
  resolve: (outputs: Record<string, Tensor>) => void
  reject: (error: Error) => void
}

interface PoolWorker {
  readonly worker: Worker
  /** Intra-op threads of this worker's session. */
  readonly threads: number
  current?: PendingCall & { id: number }
}

export interface ThreadPlan {
  readonly budget: CpuBudget
  /** Intra-op threads of the extra session for lone calls; no extra worker when ≤ the narrow count. */
  readonly wideThreads: number
}

/** Threads a session with `intraOpThreads` uses (0 is onnxruntime's choice: one per core). */
function threadsOf(intraOpThreads: number, cpus: number): number {
  return intraOpThreads === 0 ? cpus : intraOpThreads
}

export async function createWorkerPoolSession(
  modelPath: string,
  options: SessionOptions,
  instances: number,
  plan?: ThreadPlan,
): Promise<ModelSession> {
  const narrowThreads = threadsOf(options.intraOpThreads, plan?.budget.cpus ?? 1)
  const wideThreads = plan && plan.wideThreads > narrowThreads ? plan.wideThreads : undefined
  // The wide session runs only calls that have the cores to itself: its threads may spin during a call.
  const optionsFor = (threads: number): SessionOptions => (threads === narrowThreads ? options : { ...options, intraOpThreads: threads, spinning: true })
  const sizes = [...Array.from({ length: instances }, () => narrowThreads), ...(wideThreads ? [wideThreads] : [])]
  const started = await Promise.allSettled(sizes.map((threads) => startSessionWorker(modelPath, optionsFor(threads))))
  const failure = started.find((s) => s.status === 'rejected' || !s.value.startup.ready)
  if (failure) {
    for (const s of started) if (s.status === 'fulfilled') await s.value.worker.terminate()
    const reason =
      failure.status === 'rejected'
        ? (failure.reason as Error).message
        : (failure.value.startup as { error: { message: string } }).error.message
    throw new ModelLoadError(`cannot load ONNX model ${modelPath}: ${reason}`)
  }
  const ready = started.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof startSessionWorker>>>).value)
  const first = ready[0]!.startup as Extract<(typeof ready)[0]['startup'], { ready: true }>

  let nextId = 1
  let closed = false
  const all = new Set<PoolWorker>()
  const idle: PoolWorker[] = []
  const waiting: PendingCall[] = []

  const dispatch = (slot: PoolWorker, call: PendingCall) => {
    const id = nextId++
    call.batchCall?.waited(performance.now() - call.calledAt)
    slot.current = { id, ...call }
    const request: WorkerRequest = { id, feeds: call.feeds }
    slot.worker.postMessage(request, transferList(call.feeds))
  }

  /** A worker may serve a call only with no more threads than the call was granted. */
  const fits = (slot: PoolWorker, call: PendingCall) => slot.threads <= (call.grant?.threads ?? slot.threads)

  /** The idle worker for a call: the one sized like its grant (the wide one for a lone call). */
  const takeIdle = (call: PendingCall): PoolWorker | undefined => {
    const wanted = call.grant?.threads ?? narrowThreads
    let at = idle.findIndex((slot) => slot.threads === wanted)
    if (at < 0) at = idle.findIndex((slot) => fits(slot, call))
    return at < 0 ? undefined : idle.splice(at, 1)[0]
  }

  const release = (slot: PoolWorker) => {
    slot.current = undefined
    const at = waiting.findIndex((call) => fits(slot, call))
    if (at >= 0) dispatch(slot, waiting.splice(at, 1)[0]!)
    else idle.push(slot)
  }

  const attach = (worker: Worker, threads: number) => {
    const slot: PoolWorker = { worker, threads }
    all.add(slot)
    worker.on('message', (reply: WorkerReply) => {
      const call = slot.current
      if (!call || call.id !== reply.id) return
      call.grant?.release()
      // The in-worker session's InferenceError already names the model; other errors do not.
      if (reply.error) call.reject(new InferenceError(reply.error.name === 'InferenceError' ? reply.error.message : `model ${modelPath} failed: ${reply.error.message}`))
      else call.resolve(reply.outputs)
      release(slot)
    })
    worker.on('error', (error) => slot.current?.reject(new InferenceError(`model worker crashed: ${error.message}`, { cause: error })))
    worker.on('exit', (code) => {
      slot.current?.grant?.release()
      slot.current?.reject(new InferenceError(`model worker for ${modelPath} exited (code ${code})`))
      slot.current = undefined
      all.delete(slot)
      const at = idle.indexOf(slot)
      if (at >= 0) idle.splice(at, 1)
      // Replace a crashed instance so one bad input cannot take the model down for good.
      if (!closed) {
        startSessionWorker(modelPath, optionsFor(threads))
          .then(({ worker: fresh, startup }) => {
            if (!startup.ready || closed) return fresh.terminate()
            release(attach(fresh, threads))
          })
          .catch((error: Error) => log.error(`cannot restart model worker for ${modelPath}`, { reason: error.message }))
      }
    })
    return slot
  }

  ready.forEach(({ worker }, i) => idle.push(attach(worker, sizes[i]!)))

  const enqueue = (call: PendingCall) => {
    if (closed) {
      call.grant?.release()
      call.reject(new InferenceError(`session for ${modelPath} is closed`))
      return
    }
    const slot = takeIdle(call)
    if (slot) dispatch(slot, call)
    else waiting.push(call)
  }

  return {
    inputs: first.inputs,
    outputs: first.outputs,
    run(feeds, batchCall) {
      if (closed) return Promise.reject(new InferenceError(`session for ${modelPath} is closed`))
      const calledAt = performance.now()
      return new Promise((resolve, reject) => {
        if (!plan) return enqueue({ feeds, grant: undefined, calledAt, batchCall, resolve, reject })
        plan.budget
          .acquire({ narrow: narrowThreads, wide: wideThreads })
          .then((grant) => enqueue({ feeds, grant, calledAt, batchCall, resolve, reject }))
      })
    },
    async close() {
      closed = true
      for (const call of waiting.splice(0)) {
        call.grant?.release()
        call.reject(new InferenceError(`session for ${modelPath} closed`))
      }
      idle.splice(0)
      await Promise.all([...all].map((slot) => slot.worker.terminate()))
    },
  }
}
