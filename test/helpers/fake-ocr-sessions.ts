/**
 * Deterministic stand-ins for the three PP-OCR models: same tensor names and output shapes, no
 * compute, an adjustable delay. They let server tests force queueing, overload and deadlines
 * without depending on machine speed.
 */
import path from 'node:path'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import type { ModelSession } from '../../src/runtime/session.js'
import type { Tensor } from '../../src/runtime/tensor.js'

const REC_CLASSES = 6625

function outputFor(file: string, input: Tensor): [string, Tensor] {
  const [n = 1, , h = 1, w = 1] = input.dims
  if (file.includes('det')) return ['sigmoid_0.tmp_0', { data: new Float32Array(n * h * w), dims: [n, 1, h, w] }]
  if (file.includes('cls')) {
    const data = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) data[i * 2] = 1
    return ['softmax_0.tmp_0', { data, dims: [n, 2] }]
  }
  const steps = Math.max(1, Math.floor(w / 8))
  const data = new Float32Array(n * steps * REC_CLASSES)
  for (let i = 0; i < n * steps; i++) data[i * REC_CLASSES] = 1 // all blank
  return ['softmax_11.tmp_0', { data, dims: [n, steps, REC_CLASSES] }]
}

export function fakeOcrSessions(delay: { ms: number }): SessionFactory {
  return async (modelPath): Promise<ModelSession> => {
    const file = path.basename(modelPath)
    const [outputName] = outputFor(file, { data: new Float32Array(1), dims: [1, 3, 8, 8] })
    return {
      inputNames: ['x'],
      outputNames: [outputName],
      async run(feeds) {
        await new Promise((resolve) => setTimeout(resolve, delay.ms))
        const [name, tensor] = outputFor(file, feeds.x!)
        return { [name]: tensor }
      },
      close: async () => {},
    }
  }
}
