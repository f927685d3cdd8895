/**
 * The exact tensors a service feeds its models for each image: services are created in this
 * process with a session factory that wraps the server's own (worker-pool sessions) and copies
 * every feed before it is transferred to a worker. Each image runs alone, as one request, so
 * every model call of that request is attributed to it. The floor (./floor.ts) replays them.
 */
import path from 'node:path'
import type { BatchCall } from '../../src/engine/batch-call.js'
import type { ServingConfig } from '../../src/config/schema.js'
import type { ModelSession } from '../../src/runtime/session.js'
import type { Tensor } from '../../src/runtime/tensor.js'
import { createWorkerPoolSession } from '../../src/runtime/worker-pool-session.js'
import { createServices } from '../../src/server/services.js'
import { executeTask } from '../../src/server/task-request.js'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'

export interface RecordedFeed {
  readonly name: string
  /** onnxruntime element type the graph declares for this input (`float32`, `int64`, ...). */
  readonly dtype: string
  readonly dims: readonly number[]
  readonly data: Float32Array
}

export interface RecordedCall {
  readonly modelPath: string
  readonly feeds: readonly RecordedFeed[]
}

/** Every model call one image's request made, in order. */
export interface ImageCalls {
  readonly image: string
  readonly calls: readonly RecordedCall[]
}

/** `models/googlenet_v1/model.onnx` → googlenet_v1; `…/ch_PP-OCRv4_det_infer.onnx` → its file name. */
export function modelLabel(modelPath: string): string {
  return path.basename(modelPath) === 'model.onnx' ? path.basename(path.dirname(modelPath)) : path.basename(modelPath, '.onnx')
}

export async function recordFeeds(config: ServingConfig, taskName: string, images: readonly BenchImage[]): Promise<ImageCalls[]> {
  let current: RecordedCall[] | undefined
  // Worker-pool sessions as the server runs them; the feeds do not depend on how the sessions are
  // threaded, so the server's CPU plan need not be reproduced here. Arguments pass through unchanged.
  const recording = async (...args: Parameters<typeof createWorkerPoolSession>): Promise<ModelSession> => {
    const [modelPath] = args
    const session = await createWorkerPoolSession(...args)
    const dtypes = new Map(session.inputs.map((input) => [input.name, input.dtype]))
    return {
      inputs: session.inputs,
      outputs: session.outputs,
      run(feeds: Readonly<Record<string, Tensor>>, call?: BatchCall) {
        // Copied now: run() transfers the feeds' buffers to a worker thread.
        const copies = Object.entries(feeds).map(([name, t]) => ({ name, dtype: dtypes.get(name) ?? 'float32', dims: [...t.dims], data: t.data.slice() }))
        current?.push({ modelPath, feeds: copies })
        return session.run(feeds, call)
      },
      close: () => session.close(),
    }
  }

  progress(`floor ${taskName}: loading the service in this process to record its model feeds`)
  const services = await createServices(config, { sessionFactory: recording })
  try {
    const task = services.task(taskName)
    if (!task) throw new Error(`task ${taskName} is not enabled in the config`)
    const recorded: ImageCalls[] = []
    for (const [k, image] of images.entries()) {
      progress(`floor ${taskName}: recording feeds, image ${k + 1}/${images.length} (${image.name})`)
      current = []
      await executeTask(services, task, { images: [image.bytes], options: {} })
      recorded.push({ image: image.name, calls: current })
      current = undefined
    }
    progressDone()
    return recorded
  } finally {
    await services.stop()
  }
}
