/**
 * Deterministic stand-ins for the three PP-OCR models: same tensor declarations (as onnxruntime
 * reports them for the npm models, so they pass the manifests' load-time check) and output
 * shapes, no compute, an adjustable delay. They let server tests force queueing, overload and
 * deadlines without depending on machine speed.
 */
import path from 'node:path'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import type { ModelSession } from '../../src/runtime/session.js'
import type { Tensor } from '../../src/runtime/tensor.js'
import { float32 } from './tensor-info.js'

const REC_CLASSES = 6625

/** The npm models' own declarations (see models/ppocrv4_det|ppocr_mobile_v2_cls|ppocrv4_rec). */
function declarationsFor(file: string): Pick<ModelSession, 'inputs' | 'outputs'> {
  if (file.includes('det')) return { inputs: [float32('x', [-1, 3, -1, -1])], outputs: [float32('sigmoid_0.tmp_0', [-1, 1, -1, -1])] }
  if (file.includes('cls')) return { inputs: [float32('x', [-1, 3, -1, -1])], outputs: [float32('softmax_0.tmp_0', [-1, 2])] }
  return { inputs: [float32('x', [-1, 3, 48, -1])], outputs: [float32('softmax_11.tmp_0', [-1, -1, REC_CLASSES])] }
}

/** With `text`, the detector sees one line across the middle of each image and the recogniser reads characters in it. */
function outputFor(file: string, input: Tensor, text: boolean): [string, Tensor] {
  const [n = 1, , h = 1, w = 1] = input.dims
  if (file.includes('det')) {
    const data = new Float32Array(n * h * w)
    if (text) {
      for (let i = 0; i < n; i++) {
        for (let y = Math.floor(h / 3); y < Math.floor((2 * h) / 3); y++) data.fill(1, (i * h + y) * w + Math.floor(w / 8), (i * h + y) * w + Math.floor((7 * w) / 8))
      }
    }
    return ['sigmoid_0.tmp_0', { data, dims: [n, 1, h, w] }]
  }
  if (file.includes('cls')) {
    const data = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) data[i * 2] = 1
    return ['softmax_0.tmp_0', { data, dims: [n, 2] }]
  }
  const steps = Math.max(1, Math.floor(w / 8))
  const data = new Float32Array(n * steps * REC_CLASSES)
  // All blank, or with `text` a character (class 1) at every other step.
  for (let i = 0; i < n * steps; i++) data[i * REC_CLASSES + (text && i % 2 === 0 ? 1 : 0)] = 1
  return ['softmax_11.tmp_0', { data, dims: [n, steps, REC_CLASSES] }]
}

export function fakeOcrSessions(delay: { ms: number }, { text = false }: { text?: boolean } = {}): SessionFactory {
  return async (modelPath): Promise<ModelSession> => {
    const file = path.basename(modelPath)
    return {
      ...declarationsFor(file),
      async run(feeds) {
        await new Promise((resolve) => setTimeout(resolve, delay.ms))
        const [name, tensor] = outputFor(file, feeds.x!, text)
        return { [name]: tensor }
      },
      close: async () => {},
    }
  }
}
