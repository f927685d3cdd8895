/**
 * Deterministic stand-ins for the PP-ShiTu models, like ./fake-ocr-sessions.ts: the mainbody
 * detector (models/picodet_xs_416_coco) and the feature extractor (models/mobilenet_v2_gem_features),
 * with the packages' own tensor declarations so the manifests' load-time check passes. Outputs
 * come from the input, cheaply: the detector puts a few boxes where the image is brightest, the
 * features are a fixed random projection of a 7×7 thumbnail, so the same image always gives the
 * same vector (a gallery search for it scores 1) and different images give different ones.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDocument } from 'yaml'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import type { ModelSession } from '../../src/runtime/session.js'
import type { Tensor } from '../../src/runtime/tensor.js'
import { PROJECT_ROOT } from './shared-assets.js'
import { float32 } from './tensor-info.js'

export const FAKE_DETECTOR = 'picodet_xs_416_coco'
export const FAKE_FEATURES = 'mobilenet_v2_gem_features'
export const RECOGNITION_PACKAGES = [FAKE_DETECTOR, FAKE_FEATURES]

const DET_SIZE = 416
const CLASSES = 80
const BINS = 8
/** Stride → [scores name, boxes name] as the real graph names them. */
const HEADS: ReadonlyArray<readonly [number, string, string]> = [
  [8, 'transpose_0.tmp_0', 'transpose_1.tmp_0'],
  [16, 'transpose_2.tmp_0', 'transpose_3.tmp_0'],
  [32, 'transpose_4.tmp_0', 'transpose_5.tmp_0'],
  [64, 'transpose_6.tmp_0', 'transpose_7.tmp_0'],
]
const FEATURE_OUT = 'conv6_4_bn.batch_norm.output.1.tmp_2__1'
const FEATURE_DIM = 1280
const MAP = 7

const cellsOf = (stride: number) => Math.ceil(DET_SIZE / stride) ** 2

/**
 * Block means of channel-major `[3, size, size]` pixels over a `grid × grid` grid, sampling every
 * `step`-th row and column (cheap, still the input's); NaN/Inf count as 0 (KServe clients send anything).
 */
function thumbnail(data: Float32Array, offset: number, size: number, grid: number, step: number): Float32Array {
  const out = new Float32Array(3 * grid * grid)
  const counts = new Float32Array(grid * grid)
  const blockOf = Array.from({ length: size }, (_, x) => Math.min(grid - 1, Math.floor((x * grid) / size)))
  for (let y = 0; y < size; y += step) {
    for (let x = 0; x < size; x += step) {
      const cell = blockOf[y]! * grid + blockOf[x]!
      counts[cell]!++
      for (let c = 0; c < 3; c++) {
        const v = data[offset + (c * size + y) * size + x]!
        if (Number.isFinite(v)) out[c * grid * grid + cell] += v
      }
    }
  }
  return out.map((sum, i) => sum / Math.max(1, counts[i % (grid * grid)]!))
}

/** Three boxes on the stride-32 level, at the brightest cells of a 4×4 grid, sized by brightness. */
function detectorOutputs(input: Tensor): Record<string, Tensor> {
  const outputs: Record<string, Tensor> = {}
  for (const [stride, scores, boxes] of HEADS) {
    outputs[scores] = { data: new Float32Array(cellsOf(stride) * CLASSES), dims: [1, cellsOf(stride), CLASSES] }
    outputs[boxes] = { data: new Float32Array(cellsOf(stride) * 4 * BINS), dims: [1, cellsOf(stride), 4 * BINS] }
  }
  const thumb = thumbnail(input.data, 0, DET_SIZE, 4, 4)
  const brightness = Array.from({ length: 16 }, (_, i) => thumb[i]! + thumb[16 + i]! + thumb[32 + i]!)
  const order = brightness.map((b, i) => [b, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  const cols = Math.ceil(DET_SIZE / 32)
  order.slice(0, 3).forEach(([b, block], rank) => {
    const cell = (Math.floor(block / 4) * 3 + 1) * cols + (block % 4) * 3 + 1
    const clazz = (block * 7 + rank) % CLASSES
    outputs['transpose_4.tmp_0']!.data[cell * CLASSES + clazz] = 0.9 - 0.25 * rank
    const bin = 1 + (Math.abs(Math.round(b * 10)) % (BINS - 1))
    for (let side = 0; side < 4; side++) outputs['transpose_5.tmp_0']!.data[(cell * 4 + side) * BINS + bin] = 10
  })
  return outputs
}

/** A fixed pseudo-random projection (xorshift, so every run builds the same one). */
const PROJECTION = (() => {
  let state = 0x9e3779b9
  const weights = new Float32Array(FEATURE_DIM * 3 * MAP * MAP)
  for (let i = 0; i < weights.length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    weights[i] = (state >>> 0) / 2 ** 31 - 1
  }
  return weights
})()

/** `[n, 1280, 7, 7]`: per image |W · thumbnail| in every position, so GeM pooling returns it as is. */
function featureOutputs(input: Tensor): Record<string, Tensor> {
  const [n = 1, , size = 224] = input.dims
  const m = 3 * MAP * MAP
  const data = new Float32Array(n * FEATURE_DIM * MAP * MAP)
  for (let i = 0; i < n; i++) {
    const thumb = thumbnail(input.data, i * 3 * size * size, size, MAP, 2)
    for (let k = 0; k < FEATURE_DIM; k++) {
      let sum = 0
      for (let j = 0; j < m; j++) sum += PROJECTION[k * m + j]! * thumb[j]!
      data.fill(Math.abs(sum), (i * FEATURE_DIM + k) * MAP * MAP, (i * FEATURE_DIM + k + 1) * MAP * MAP)
    }
  }
  return { [FEATURE_OUT]: { data, dims: [n, FEATURE_DIM, MAP, MAP] } }
}

function fakeSession(name: string): ModelSession {
  const detector = name === FAKE_DETECTOR
  const declarations = detector
    ? { inputs: [float32('image', [1, 3, DET_SIZE, DET_SIZE])], outputs: HEADS.flatMap(([s, scores, boxes]) => [float32(scores, [1, cellsOf(s), CLASSES]), float32(boxes, [1, cellsOf(s), 4 * BINS])]) }
    : { inputs: [float32('data', [-1, 3, 224, 224])], outputs: [float32(FEATURE_OUT, [-1, FEATURE_DIM, MAP, MAP])] }
  return {
    ...declarations,
    async run(feeds) {
      return detector ? detectorOutputs(feeds.image!) : featureOutputs(feeds.data!)
    },
    close: async () => {},
  }
}

/** Whether `modelPath` is a recognition package's model file (`<models>/<package>/model.onnx`). */
export const isRecognitionModel = (modelPath: string): boolean => RECOGNITION_PACKAGES.includes(path.basename(path.dirname(modelPath)))

export function fakeRecognitionSessions(): SessionFactory {
  return async (modelPath) => fakeSession(path.basename(path.dirname(modelPath)))
}

/** The two packages in `modelsDir`: the real manifests, an empty weights file, the detector's 80 labels. */
export async function installFakeRecognitionPackages(modelsDir: string): Promise<void> {
  for (const name of RECOGNITION_PACKAGES) {
    await mkdir(path.join(modelsDir, name), { recursive: true })
    await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
    await writeFile(path.join(modelsDir, name, 'model.onnx'), '') // only its existence is checked; the fake never reads it
  }
  // The fake labels are class_N: the detector's Mainbody filter (COCO names) would not load with them.
  const manifest = path.join(modelsDir, FAKE_DETECTOR, 'manifest.yml')
  const doc = parseDocument(await readFile(manifest, 'utf8'))
  const at = (doc.toJS().postprocess as Array<Record<string, unknown>>).findIndex((entry) => 'Mainbody' in entry)
  if (at >= 0) doc.deleteIn(['postprocess', at])
  await writeFile(manifest, doc.toString())
  await writeFile(path.join(modelsDir, FAKE_DETECTOR, 'label_list.txt'), Array.from({ length: CLASSES }, (_, i) => `class_${i}`).join('\n') + '\n')
}
