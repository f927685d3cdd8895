/**
 * OCR geometry, labels and defaults come from the packages' manifests (DetResizeForTest,
 * DBPostProcess, ClsResizeImg, ClsPostProcess, RecResizeImg, CTCLabelDecode): checked at load
 * against the feeds and fetches, and driving the ops, shown here on fake models that record what
 * they are fed and answer crafted scores.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError } from '../../../src/engine/errors.js'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import type { ModelSession } from '../../../src/runtime/session.js'
import type { Tensor } from '../../../src/runtime/tensor.js'
import { createClsOp } from '../../../src/tasks/ocr/cls-op.js'
import { OcrConfigSchema } from '../../../src/tasks/ocr/ocr-config.js'
import { clsSpecOf, detDefaultsOf, detSpecOf, recSpecOf } from '../../../src/tasks/ocr/ocr-model-specs.js'
import { applyOcrDefaults } from '../../../src/tasks/ocr/ocr-options.js'
import { createRecOp } from '../../../src/tasks/ocr/rec-op.js'
import { createImage, type Image } from '../../../src/vision/image.js'
import { rotate180 } from '../../../src/vision/rotate.js'
import { float32 } from '../../helpers/tensor-info.js'
import { KNOWN_SECTIONS } from '../../runtime/known-sections.js'
import { STANDALONE_CALL } from '../../../src/engine/batch-call.js'

const NORMALIZE = `  - NormalizeImage: { scale: 1.0/255.0, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }
  - ToCHWImage:
`
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`

/** A fake session with the manifest's own declarations; `answer` maps the fed tensor to the output. */
function fakeSession(feed: readonly number[], output: string, outputShape: readonly number[], answer: (x: Tensor) => Tensor): ModelSession {
  return {
    inputs: [float32('x', feed)],
    outputs: [float32(output, outputShape)],
    run: async (feeds) => ({ [output]: answer(feeds.x!) }),
    close: async () => {},
  }
}

async function packageDir(name: string, manifest: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'ppserve-ocr-specs-')), name)
  await mkdir(dir)
  await writeFile(path.join(dir, 'manifest.yml'), `name: ${name}\n${manifest}`)
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text)
  return dir
}

interface ClsPackage {
  feed?: readonly number[]
  imageShape?: string
  postprocess?: string
  classes?: number
}

/** A cls package over a fake model whose every row is `row`. */
async function clsModel(row: readonly number[], options: ClsPackage = {}): Promise<Model> {
  const { feed = [-1, 3, 48, 192], imageShape = '[3, 48, 192]', postprocess = "ClsPostProcess: { label_list: ['0', '180'] }", classes = row.length } = options
  const dir = await packageDir(
    'cls',
    `feeds: [{ name: x, alias: image, shape: ${shapeText(feed)} }]
fetches: [{ name: softmax_0.tmp_0, alias: probs, shape: [-1, ${classes}] }]
preprocess:
  - ClsResizeImg: { image_shape: ${imageShape} }
${NORMALIZE}postprocess:
  - ${postprocess}
`,
  )
  const pkg = await loadModelPackage(dir, KNOWN_SECTIONS)
  const answer = (x: Tensor): Tensor => {
    const n = x.dims[0]!
    return { data: Float32Array.from({ length: n * row.length }, (_, i) => row[i % row.length]!), dims: [n, row.length] }
  }
  return Model.attach(pkg, fakeSession(feed, 'softmax_0.tmp_0', [-1, classes], answer))
}

/** A 4×2 crop whose pixels all differ, so a turned copy is told apart. */
function crop(): Image {
  const img = createImage(4, 2, 3, 'bgr')
  img.data.forEach((_, i) => (img.data[i] = i * 10))
  return img
}

async function classify(model: Model, thresh = 0.9) {
  const op = createClsOp(model, clsSpecOf(model))
  const input = { crops: [crop()], thresh }
  const items = await op.preprocess(input, undefined as never)
  const outputs = await op.process(items, STANDALONE_CALL)
  return { input, output: await op.postprocess(input, outputs as never, items, undefined as never) }
}

describe('cls: input size and labels from the manifest', () => {
  it("turns a crop whose best label is '180' above thresh; a reversed label_list flips the decision", async () => {
    const scores = [0.95, 0.05]
    const score = Math.fround(0.95) // the model answers float32
    const upright = await classify(await clsModel(scores))
    assert.deepEqual(upright.output.directions, [{ label: '0', score }])
    assert.equal(upright.output.crops[0], upright.input.crops[0], 'label 0: kept as it is')

    const reversed = await classify(await clsModel(scores, { postprocess: "ClsPostProcess: { label_list: ['180', '0'] }" }))
    assert.deepEqual(reversed.output.directions, [{ label: '180', score }])
    assert.deepEqual(reversed.output.crops[0]!.data, rotate180(reversed.input.crops[0]!).data, "label '180' with 0.95 > 0.9: turned")

    const unsure = await classify(await clsModel(scores, { postprocess: "ClsPostProcess: { label_list: ['180', '0'] }" }), 0.96)
    assert.equal(unsure.output.crops[0], unsure.input.crops[0], 'score not above thresh: kept')
  })

  it('feeds the model the declared image_shape; YAML numbers are read as labels', async () => {
    const fed: number[][] = []
    const model = await clsModel([0.2, 0.8], { feed: [-1, 3, -1, -1], imageShape: '[3, 32, 100]', postprocess: 'ClsPostProcess: { label_list: [0, 180] }' })
    const spec = clsSpecOf(model)
    assert.deepEqual([spec.height, spec.width, spec.labels], [32, 100, ['0', '180']])
    const run = model.run.bind(model)
    model.run = async (feeds) => (fed.push([...feeds.image!.dims]), run(feeds))
    const { output } = await classify(model)
    assert.deepEqual(fed, [[1, 3, 32, 100]])
    assert.deepEqual(output.directions, [{ label: '180', score: Math.fround(0.8) }])
  })

  it('refuses at load what cannot work, naming the manifest', async () => {
    const refused: Array<[string, Promise<Model>, RegExp]> = [
      ['no 180 label', clsModel([0.5, 0.5], { postprocess: "ClsPostProcess: { label_list: ['0', '90'] }" }), /postprocess\[0\]\.ClsPostProcess\.label_list: label_list needs the label '180'/],
      ['labels ≠ classes', clsModel([0.2, 0.3, 0.5], { postprocess: "ClsPostProcess: { label_list: ['0', '180'] }" }), /ClsPostProcess has 2 labels, the fetch "probs" has 3 classes/],
      ['size ≠ feed', clsModel([0.5, 0.5], { imageShape: '[3, 48, 100]' }), /ClsResizeImg image_shape \[3, 48, 100\] does not match the feed "image" \[-1, 3, 48, 192\] \(width\)/],
      ['no labels', clsModel([0.5, 0.5], { postprocess: 'DBPostProcess: {}' }), /the OCR model cls needs a ClsPostProcess postprocess/],
    ]
    for (const [what, model, pattern] of refused) {
      await assert.rejects(
        (async () => clsSpecOf(await model))(),
        (error: unknown) => error instanceof ConfigError && pattern.test(error.message) && /manifest\.yml/.test(error.message),
        what,
      )
    }
  })
})

/** A rec package over a fake CTC model with classes blank, a, b, c, space: it reads "ab" at any width. */
async function recModel(imageShape: string, feed: readonly number[] = [-1, 3, -1, -1], decode = 'use_space_char: true'): Promise<{ model: Model; fed: number[][] }> {
  const dir = await packageDir(
    'rec',
    `feeds: [{ name: x, alias: image, shape: ${shapeText(feed)} }]
fetches: [{ name: softmax_11.tmp_0, alias: probs, shape: [-1, -1, 5] }]
files: { dictionary: keys.txt }
preprocess:
  - RecResizeImg: { image_shape: ${imageShape} }
${NORMALIZE}postprocess:
  - CTCLabelDecode: { character_dict: dictionary, ${decode} }
`,
    { 'keys.txt': 'a\nb\nc\n' },
  )
  const fed: number[][] = []
  const answer = (x: Tensor): Tensor => {
    fed.push([...x.dims])
    const [n = 1] = x.dims
    const steps = [1, 1, 0, 2] // a, a (collapsed), blank, b
    const data = new Float32Array(n * steps.length * 5)
    for (let i = 0; i < n; i++) steps.forEach((c, t) => (data[(i * steps.length + t) * 5 + c] = 0.9))
    return { data, dims: [n, steps.length, 5] }
  }
  return { model: Model.attach(await loadModelPackage(dir, KNOWN_SECTIONS), fakeSession(feed, 'softmax_11.tmp_0', [-1, -1, 5], answer)), fed }
}

describe('rec: height, batch width and dictionary from the manifest', () => {
  it('pads a batch to the declared width (or its widest line) at the declared height', async () => {
    const { model, fed } = await recModel('[3, 32, 640]')
    const spec = await recSpecOf(model, 4800)
    assert.deepEqual([spec.height, spec.minWidth, spec.charset], [32, 640, ['blank', 'a', 'b', 'c', ' ']])
    const op = createRecOp(model, spec)
    const input = { crops: [createImage(40, 20), createImage(2000, 20)] }
    const items = await op.preprocess(input, undefined as never)
    const outputs = await op.process([items[0]!], STANDALONE_CALL)
    await op.process([items[1]!], STANDALONE_CALL)
    // 40×20 → 64×32, padded to 640; 2000×20 → 3200×32, wider than 640.
    assert.deepEqual(fed, [
      [1, 3, 32, 640],
      [1, 3, 32, 3200],
    ])
    const [text] = await op.postprocess({ crops: [input.crops[0]!] }, outputs as never, [{ ...items[0]!, index: 0 }], undefined as never)
    assert.equal(text!.text, 'ab')
  })

  it('refuses a height the feed contradicts, and a dictionary that does not match the output', async () => {
    const tall = await recModel('[3, 32, 320]', [-1, 3, 48, -1])
    await assert.rejects(recSpecOf(tall.model, 4800), /RecResizeImg image_shape \[3, 32, 320\] does not match the feed "image" \[-1, 3, 48, -1\] \(height\)/)
    const spaceless = await recModel('[3, 48, 320]', undefined, 'use_space_char: false')
    await assert.rejects(recSpecOf(spaceless.model, 4800), /CTCLabelDecode gives 4 classes \(blank \+ 3 dictionary lines\), the fetch "probs" has 5/)
  })
})

describe('det: resize and DB defaults from the manifest, overridden by config and requests', () => {
  const detPackage = async (sections: string) => {
    const dir = await packageDir(
      'det',
      `feeds: [{ name: x, alias: image, shape: [-1, 3, -1, -1] }]
fetches: [{ name: sigmoid_0.tmp_0, alias: prob_map, shape: [-1, 1, -1, -1] }]
${sections}`,
    )
    return loadModelPackage(dir, KNOWN_SECTIONS)
  }

  it('reads DetResizeForTest and DBPostProcess, with PaddleOCR’s defaults for what is left out', async () => {
    const pkg = await detPackage(`preprocess:\n  - DetResizeForTest: { limit_side_len: 640, limit_type: min }\n${NORMALIZE}postprocess:\n  - DBPostProcess: { box_thresh: 0.5 }\n`)
    const defaults = detDefaultsOf(pkg)
    assert.deepEqual(defaults, { limitSideLen: 640, limitType: 'min', db: { thresh: 0.3, boxThresh: 0.5, unclipRatio: 1.5, maxCandidates: 1000 } })
    assert.deepEqual(detDefaultsOf(undefined), { limitSideLen: 960, limitType: 'max', db: { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 1000 } })

    const fromManifest = applyOcrDefaults({}, OcrConfigSchema.parse({}), defaults)
    assert.deepEqual([fromManifest.limitSideLen, fromManifest.limitType, fromManifest.db.boxThresh], [640, 'min', 0.5])
    const config = OcrConfigSchema.parse({ det: { limit_side_len: 1280, box_thresh: 0.7, limit_type: null } })
    const fromConfig = applyOcrDefaults({}, config, defaults)
    assert.deepEqual([fromConfig.limitSideLen, fromConfig.limitType, fromConfig.db.boxThresh], [1280, 'min', 0.7])
    const fromRequest = applyOcrDefaults({ limit_side_len: 320, box_thresh: 0.4 }, config, defaults)
    assert.deepEqual([fromRequest.limitSideLen, fromRequest.db.boxThresh], [320, 0.4])
  })

  it('refuses a preprocess op the det op would not run, and DB settings it does not implement', async () => {
    const resize = await detPackage(`preprocess:\n  - ResizeImage: { size: 640 }\n${NORMALIZE}`)
    const model = Model.attach(resize, fakeSession([-1, 3, -1, -1], 'sigmoid_0.tmp_0', [-1, 1, -1, -1], (x) => x))
    assert.throws(() => detSpecOf(model), /preprocess\[0\]: ResizeImage is not run by the OCR ops \(they run DetResizeForTest, NormalizeImage, ToCHWImage\)/)
    await assert.rejects(detPackage(`preprocess:\n${NORMALIZE}postprocess:\n  - DBPostProcess: { score_mode: slow }\n`), /postprocess\[0\]\.DBPostProcess\.score_mode: /)
  })
})
