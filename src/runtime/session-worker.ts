/**
 * Worker-thread side of the session pool: onnxruntime-node's run() blocks the thread that calls
 * it, so each model instance lives in a worker and the main thread keeps serving HTTP and doing
 * pre/postprocessing while models run.
 */
import os from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { createOrtSession } from './ort-session.js'
import type { SessionOptions } from './session.js'
import type { Tensor } from './tensor.js'
import type { WorkerReply, WorkerRequest, WorkerStartup } from './worker-protocol.js'
import { transferList } from './worker-protocol.js'

/** Lower than the main thread's 0; high enough that models still get every idle cycle. */
const MODEL_THREAD_NICE = 10

interface WorkerInit {
  modelPath: string
  options: SessionOptions
}

const port = parentPort
if (!port) throw new Error('session-worker.ts must run in a worker thread')

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
}

const init = workerData as WorkerInit
// Model threads yield to the main thread: under overload it must still accept, refuse and answer
// on time (a nice value is per thread on Linux, and the onnxruntime threads the session starts
// below inherit it). Measured: the same OCR throughput, event-loop delay p99 at c=4 33 ms instead
// of 45 (bench/BENCHMARKS.md). Where the OS refuses, models run at normal priority.
try {
  os.setPriority(MODEL_THREAD_NICE)
} catch {
  // not permitted here
}
try {
  const session = await createOrtSession(init.modelPath, init.options)
  port.on('message', async (request: WorkerRequest) => {
    let reply: WorkerReply
    let outputs: Record<string, Tensor> = {}
    try {
      outputs = await session.run(request.feeds)
      reply = { id: request.id, outputs }
    } catch (error) {
      reply = { id: request.id, error: describe(error) }
    }
    port.postMessage(reply, transferList(outputs))
  })
  const startup: WorkerStartup = { ready: true, inputs: session.inputs, outputs: session.outputs }
  port.postMessage(startup)
} catch (error) {
  port.postMessage({ ready: false, error: describe(error) })
}
