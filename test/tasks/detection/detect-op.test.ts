/**
 * The detection op and its package checks, on a tiny fake PicoDet (32×32 input, strides 8 and
 * 16, 2 classes) whose session answers hand-built heads: no model file, no shared assets.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Engine } from '../../../src/engine/index.js'
import { ConfigError } from '../../../src/engine/errors.js'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import type { ModelSession } from '../../../src/runtime/session.js'
import type { Tensor } from '../../../src/runtime/tensor.js'
import { createDetectOp, type DetectInput } from '../../../src/tasks/detection/detect-op.js'
import { loadDetectorSpec } from '../../../src/tasks/detection/detector-spec.js'
import type { Detection } from '../../../src/tasks/detection/picodet-postprocess.js'
import { createImage, type ChannelOrder, type Image } from '../../../src/vision/image.js'
import { float32 } from '../../helpers/tensor-info.js'
import { bins, level } from './head-fixtures.js'
import { STANDALONE_CALL } from '../../../src/engine/batch-call.js'

const HOT = { cell: 6, scores: [0.3, 0.9], sides: [bins({ 1: 0.5, 2: 0.5 }), bins({ 0: 1 }), bins({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 }), bins({ 0: 0.25, 2: 0.75 })] } as const
const S8 = level(8, 4, 4, 2, [HOT])
const S16 = level(16, 2, 2, 2)

const manifest = (name: string, { batch = 1, extra = '', decode = 'label_list_file: labels', size = 32, strides = '[8, 16]' } = {}) => `name: ${name}
feeds: [{ name: x, alias: image, shape: [${batch}, 3, 32, 32] }]
fetches:
  - { name: s8, alias: scores_s8, shape: [${batch}, 16, 2] }
  - { name: s16, alias: scores_s16, shape: [${batch}, 2, 2, 2] }
  - { name: b8, alias: boxes_s8, shape: [${batch}, 16, 32] }
  - { name: b16, alias: boxes_s16, shape: [${batch}, 2, 2, 32] }
files: { labels: labels.txt }
preprocess:
  - ResizeImage: { size: ${size}, interpolation: bilinear }
  - NormalizeImage: { scale: 1.0/255.0, mean: [0, 0, 0], std: [1, 1, 1] }
  - ToCHWImage:
postprocess:
  - PicoDetDecode: { strides: ${strides}, ${decode} }
${extra}`

/**
 * Answers every image with the same heads, except that the hot cell's class-1 score is the
 * image's first red value (so images stay told apart), and records each call's batch size.
 */
function fakePicoDet(calls: number[]): ModelSession {
  const tile = (data: Float32Array, n: number, dims: number[], firstRed?: Float32Array): Tensor => {
    const out = new Float32Array(n * data.length)
    for (let i = 0; i < n; i++) {
      out.set(data, i * data.length)
      if (firstRed) out[i * data.length + 6 * 2 + 1] = firstRed[i * 3 * 32 * 32]!
    }
    return { data: out, dims: [n, ...dims] }
  }
  return {
    // Dynamic batch: it stands in for the fixed-batch and the dynamic-batch manifests alike.
    inputs: [float32('x', [-1, 3, 32, 32])],
    outputs: [float32('s8', [-1, 16, 2]), float32('s16', [-1, 2, 2, 2]), float32('b8', [-1, 16, 32]), float32('b16', [-1, 2, 2, 32])],
    async run(feeds) {
      const x = feeds.x!
      const n = x.dims[0]!
      calls.push(n)
      return { s8: tile(S8.scores, n, [16, 2], x.data), s16: tile(S16.scores, n, [2, 2, 2]), b8: tile(S8.boxes, n, [16, 32]), b16: tile(S16.boxes, n, [2, 2, 32]) }
    },
    close: async () => {},
  }
}

/** A 64×48 image whose pixels are all (red, 0, 0) in RGB terms, stored in `order`. */
function redImage(red: number, order: ChannelOrder = 'rgb'): Image {
  const img = createImage(64, 48, 3, order)
  for (let i = 0; i < img.data.length; i += 3) img.data[order === 'rgb' ? i : i + 2] = red
  return img
}

const round = (v: number) => Math.round(v * 100) / 100

describe('detection op on a fake PicoDet', () => {
  let root: string
  const write = async (name: string, text: string, labels = 'cat\ndog\n') => {
    const dir = path.join(root, name)
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'manifest.yml'), text)
    await writeFile(path.join(dir, 'labels.txt'), labels)
    return loadModelPackage(dir)
  }
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-det-'))
  })
  after(() => rm(root, { recursive: true, force: true }))

  it('reads the spec from the package: labels, decode defaults, input size, batch limit', async () => {
    const spec = await loadDetectorSpec(await write('spec', manifest('spec')))
    assert.deepEqual(spec.labels, ['cat', 'dog'])
    assert.deepEqual(spec.input, { width: 32, height: 32 })
    assert.equal(spec.maxBatch, 1)
    assert.deepEqual(spec.params, { strides: [8, 16], regMax: 7, scoreThreshold: 0.025, nmsThreshold: 0.6, nmsTopK: 1000, keepTopK: 100, classAgnostic: false })
  })

  it('preprocess → process → postprocess gives boxes in original pixels; a fixed batch of 1 means one call per image', async () => {
    const pkg = await write('fixed', manifest('fixed'))
    const calls: number[] = []
    const op = createDetectOp('detect:fixed', Model.attach(pkg, fakePicoDet(calls)), await loadDetectorSpec(pkg))
    const inputs = [redImage(230), redImage(102)].map((image) => ({ image }))
    const items = await Promise.all(inputs.map(async (input) => (await op.preprocess(input, undefined as never))[0]!))
    const outputs = await op.process(items, STANDALONE_CALL)
    assert.deepEqual(calls, [1, 1])
    const results = await Promise.all(inputs.map((input, i) => op.postprocess(input, [outputs[i] as never], [items[i]!], undefined as never)))
    assert.deepEqual(results.map((r) => r.map((d) => [d.label, round(d.score)])), [
      [['dog', 0.9], ['cat', 0.3]],
      [['dog', 0.4], ['cat', 0.3]],
    ])
    // [8, 12, 32, 24] on the 32×32 input, × (64/32, 48/32).
    for (const d of results.flat()) assert.deepEqual(d.box.map(round), [16, 18, 64, 36])
  })

  it('through the engine: concurrent requests share one model call when the batch dimension is dynamic', async () => {
    const pkg = await write('dynamic', manifest('dynamic', { batch: -1, decode: 'labels: [cat, dog], class_agnostic: true' }))
    const calls: number[] = []
    const engine = new Engine()
    const op = engine.register(createDetectOp('detect:dynamic', Model.attach(pkg, fakePicoDet(calls)), await loadDetectorSpec(pkg)), {
      batchSize: 8,
      batchTimeoutMs: 50,
      concurrency: 1,
      queueSize: 16,
    })
    const ask = (image: Image) => engine.serve('detect', engine.createContext({ deadlineMs: 5000 }), (ctx) => op.run({ image }, ctx))
    const results: Detection[][] = await Promise.all([230, 153, 51].map((red) => ask(redImage(red))))
    assert.deepEqual(calls, [3])
    assert.deepEqual(results.map((r) => r.map((d) => [d.label, round(d.score)])), [[['dog', 0.9]], [['dog', 0.6]], [['cat', 0.3]]])
    await engine.stop()
  })

  it("swaps an image's channels to the package's order first", async () => {
    const pkg = await write('order', manifest('order'))
    const op = createDetectOp('detect:order', Model.attach(pkg, fakePicoDet([])), await loadDetectorSpec(pkg))
    const input: DetectInput = { image: redImage(230, 'bgr') }
    const [item] = await op.preprocess(input, undefined as never)
    assert.ok(Math.abs(item!.chw[0]! - 230 / 255) < 1e-6, 'the red plane comes first')
  })

  it('refuses at load a package that cannot work, saying why', async () => {
    const refuses = async (name: string, text: string, pattern: RegExp, labels?: string) => {
      const load = async () => loadDetectorSpec(await write(name, text, labels))
      await assert.rejects(load, (error: Error) => error instanceof ConfigError && pattern.test(error.message))
    }
    await refuses('nodecode', manifest('nodecode').replace(/postprocess:\n.*\n/, ''), /a detector needs a PicoDetDecode postprocess/)
    await refuses('labels3', manifest('labels3'), /fetch scores_s8 has 2 classes but 3 labels are given/, 'a\nb\nc\n')
    await refuses('regmax', manifest('regmax', { decode: 'labels: [a, b], reg_max: 15' }), /boxes_s8 ends in 32, reg_max 15 needs 4 × 16 = 64/)
    await refuses('nofetch', manifest('nofetch', { decode: 'labels: [a, b]', strides: '[8, 16, 32]' }), /no fetch with alias "scores_s32"/)
    await refuses('size', manifest('size', { size: 30 }), /preprocess produces 30×30, the feed "image" needs 32×32/)
    await refuses('blank', manifest('blank'), /labels\.txt:2: blank line in a label list/, 'cat\n\ndog\n')
    await refuses('dynamic_hw', manifest('dynamic_hw').replace('[1, 3, 32, 32]', '[1, 3, -1, -1]'), /fixed H and W, got \[1, 3, -1, -1\]/)
    await refuses('both', manifest('both', { decode: 'labels: [a, b], label_list_file: labels' }), /exactly one of label_list_file and labels/)
    await refuses('ignore_typo', manifest('ignore_typo', { extra: '  - Mainbody: { ignore_labels: [dgo] }\n' }), /Mainbody\.ignore_labels: not among the detector's labels: dgo/)
    await refuses('ignore_key', manifest('ignore_key', { extra: '  - Mainbody: { keep_labels: [dog] }\n' }), /Mainbody: unknown key keep_labels/)
  })

  it("reads the Mainbody section's ignore_labels; none without the section", async () => {
    assert.deepEqual((await loadDetectorSpec(await write('noignore', manifest('noignore')))).mainbodyIgnoreLabels, [])
    const spec = await loadDetectorSpec(await write('ignore', manifest('ignore', { extra: '  - Mainbody: { ignore_labels: [dog] }\n' })))
    assert.deepEqual(spec.mainbodyIgnoreLabels, ['dog'])
  })
})
