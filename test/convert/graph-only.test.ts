/**
 * Acceptance: the four graph-only models (weights absent) convert with --random-weights and run
 * in onnxruntime on their declared input shapes with the expected output shapes. PicoDet's
 * post-processing (a per-image `while` decode loop + multiclass_nms3) is not converted: the
 * package stops at the head outputs and the detection op decodes and runs NMS in TypeScript.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { convertModel } from '../../src/convert/convert-model.js'
import { UnsupportedOpsError } from '../../src/convert/errors.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'
import { pseudoRandom, session } from './helpers/compare.js'

const graph = (name: string) => asset('paddle/graph_only', name)
const input = (dims: number[]) => new ort.Tensor('float32', pseudoRandom(dims.reduce((a, b) => a * b, 1)), dims)

/** PicoDet head outputs per stride 8/16/32/64: sigmoid scores [N,H,W,1] and box distributions [N,H,W,32]. */
const PICODET_SCORES = ['sigmoid_0.tmp_0', 'sigmoid_1.tmp_0', 'sigmoid_2.tmp_0', 'sigmoid_3.tmp_0']
const PICODET_BOXES = ['transpose_1.tmp_0', 'transpose_3.tmp_0', 'transpose_5.tmp_0', 'transpose_7.tmp_0']
const STRIDES = [8, 16, 32, 64]

describe('graph-only models with --random-weights', { skip: needsSharedAssets }, () => {
  let dir: string
  const convert = (name: string, extra: Record<string, unknown> = {}) =>
    convertModel({ dirname: graph(name), out: path.join(dir, name), randomWeights: true, progress: () => {}, ...extra })
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-graph-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('PP-OCRv4 det: dynamic [N,3,H,W] → [N,1,H,W]', async () => {
    const result = await convert('ch_PP-OCRv4_det_infer')
    assert.deepEqual(result.manifest.feeds[0]!.shape, [-1, 3, -1, -1])
    const s = await session(result.modelPath)
    const out = (await s.run({ x: input([1, 3, 96, 128]) }))['sigmoid_0.tmp_0']!
    assert.deepEqual(out.dims, [1, 1, 96, 128])
  })

  test('PP-OCRv4 rec: [N,3,48,W] → [N,W/8,6625]', async () => {
    const result = await convert('ch_PP-OCRv4_rec_infer')
    assert.deepEqual(result.manifest.feeds[0]!.shape, [-1, 3, 48, -1])
    const s = await session(result.modelPath)
    const out = (await s.run({ x: input([1, 3, 48, 160]) }))['softmax_11.tmp_0']!
    assert.deepEqual(out.dims, [1, 20, 6625])
    const rowSum = Array.from((out.data as Float32Array).subarray(0, 6625)).reduce((a, b) => a + b, 0)
    assert.ok(Math.abs(rowSum - 1) < 1e-3, `softmax row sums to ${rowSum}`)
  })

  test('general_PPLCNet_x2_5_lite: [N,3,224,224] → [N,512]', async () => {
    const result = await convert('general_PPLCNet_x2_5_lite_v1.0_infer', { fetchAliases: new Map([['save_infer_model/scale_0.tmp_1', 'features']]) })
    const s = await session(result.modelPath)
    const out = (await s.run({ x: input([1, 3, 224, 224]) }))[result.manifest.fetches[0]!.name]!
    assert.deepEqual(out.dims, [1, 512])
    assert.ok(Array.from(out.data as Float32Array).every(Number.isFinite))
  })

  test('PicoDet: the whole graph is refused, listing its post-processing ops, and nothing is written', async () => {
    const name = 'picodet_PPLCNet_x2_5_mainbody_lite_v1.0_infer'
    await assert.rejects(convert(name), (error: unknown) => {
      assert.ok(error instanceof UnsupportedOpsError)
      assert.deepEqual(Object.fromEntries(error.counts), { less_than: 1, while: 1, tensor_array_to_tensor: 2, multiclass_nms3: 1 })
      return true
    })
    assert.equal(existsSync(path.join(dir, name)), false)
  })

  test('PicoDet up to its heads: per-stride scores [N,H,W,1] and box distributions [N,H,W,32]', async () => {
    const aliases = new Map([...PICODET_SCORES.map((n, i) => [n, `scores_s${STRIDES[i]}`] as const), ...PICODET_BOXES.map((n, i) => [n, `boxes_s${STRIDES[i]}`] as const)])
    const result = await convert('picodet_PPLCNet_x2_5_mainbody_lite_v1.0_infer', { fetch: [...PICODET_SCORES, ...PICODET_BOXES], fetchAliases: aliases, feedAliases: new Map([['image', 'image']]) })
    // im_shape and scale_factor only feed the decode loop, so the cut model has one input.
    assert.deepEqual(result.manifest.feeds.map((f) => [f.name, f.shape]), [['image', [-1, 3, 640, 640]]])
    const s = await session(result.modelPath)
    const out = await s.run({ image: input([1, 3, 640, 640]) })
    STRIDES.forEach((stride, i) => {
      const side = 640 / stride
      assert.deepEqual(out[PICODET_SCORES[i]!]!.dims, [1, side, side, 1])
      assert.deepEqual(out[PICODET_BOXES[i]!]!.dims, [1, side, side, 32])
      const scores = out[PICODET_SCORES[i]!]!.data as Float32Array
      assert.ok(scores.every((v) => v >= 0 && v <= 1), 'scores are sigmoid outputs')
    })
    assert.deepEqual(result.manifest.fetches.map((f) => f.alias), ['scores_s8', 'scores_s16', 'scores_s32', 'scores_s64', 'boxes_s8', 'boxes_s16', 'boxes_s32', 'boxes_s64'])
  })
})
