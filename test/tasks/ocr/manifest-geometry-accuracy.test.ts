/**
 * Another PP-OCR geometry is a manifest, not code: the real PP-OCRv4 recogniser, its manifest
 * copied with `RecResizeImg: {image_shape: [3, 48, 640]}`, reads imgs_words/ch/word_1.jpg as the
 * shipped manifest does, and the tensor it is fed follows the declared width. The real direction
 * classifier's decision follows its manifest's label_list.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import { createOrtSession } from '../../../src/runtime/ort-session.js'
import { DEFAULT_SESSION_OPTIONS, type ModelSession } from '../../../src/runtime/session.js'
import { createClsOp } from '../../../src/tasks/ocr/cls-op.js'
import type { RecognizedText } from '../../../src/tasks/ocr/ctc-decode.js'
import { clsSpecOf, recSpecOf } from '../../../src/tasks/ocr/ocr-model-specs.js'
import { MAX_REC_WIDTH } from '../../../src/tasks/ocr/ocr-ops.js'
import { createRecOp } from '../../../src/tasks/ocr/rec-op.js'
import { decodeImage } from '../../../src/vision/decode.js'
import type { Image } from '../../../src/vision/image.js'
import { rotate180 } from '../../../src/vision/rotate.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../../helpers/shared-assets.js'
import { KNOWN_SECTIONS } from '../../runtime/known-sections.js'
import { STANDALONE_CALL } from '../../../src/engine/batch-call.js'

const SESSION_OPTIONS = { ...DEFAULT_SESSION_OPTIONS, intraOpThreads: 1 }

/** A real model whose session records the dims of every `x` it is fed. */
async function recordingModel(dir: string): Promise<{ model: Model; fed: number[][] }> {
  const pkg = await loadModelPackage(dir, KNOWN_SECTIONS)
  const session = await createOrtSession(pkg.modelPath, SESSION_OPTIONS)
  const fed: number[][] = []
  const recording: ModelSession = {
    inputs: session.inputs,
    outputs: session.outputs,
    run: (feeds) => (fed.push([...feeds.x!.dims]), session.run(feeds)),
    close: () => session.close(),
  }
  return { model: Model.attach(pkg, recording), fed }
}

/** A shipped OCR manifest copied into `root` with `edit` applied (the npm model path stays). */
async function editedPackage(root: string, name: string, edit: (text: string) => string): Promise<string> {
  const original = await readFile(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), 'utf8')
  const edited = edit(original)
  assert.notEqual(edited, original, 'the edit applies to the shipped manifest')
  const dir = path.join(root, name)
  await mkdir(dir)
  await writeFile(path.join(dir, 'manifest.yml'), edited)
  return dir
}

async function read(model: Model, crop: Image): Promise<RecognizedText> {
  const op = createRecOp(model, await recSpecOf(model, MAX_REC_WIDTH))
  const input = { crops: [crop] }
  const items = await op.preprocess(input, undefined as never)
  const outputs = await op.process(items, STANDALONE_CALL)
  const [text] = await op.postprocess(input, outputs as never, items, undefined as never)
  return text!
}

async function classify(model: Model, crop: Image) {
  const op = createClsOp(model, clsSpecOf(model))
  const input = { crops: [crop], thresh: 0.9 }
  const items = await op.preprocess(input, undefined as never)
  const outputs = await op.process(items, STANDALONE_CALL)
  return op.postprocess(input, outputs as never, items, undefined as never)
}

describe('OCR geometry and labels from the manifest (real PP-OCR models)', { skip: needsSharedAssets }, () => {
  let root: string
  let word: Image
  const models: Model[] = []
  const load = async (dir: string) => {
    const loaded = await recordingModel(dir)
    models.push(loaded.model)
    return loaded
  }

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-ocr-geometry-'))
    // PaddleOCR reads images with OpenCV: BGR, as the packages' channel_order says.
    word = await decodeImage(await readFile(asset('images', 'ocr', 'imgs_words', 'ch', 'word_1.jpg')), { maxPixels: 50e6, minSide: 8 }, 'bgr')
  })
  after(async () => {
    await Promise.all(models.map((model) => model.close()))
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('a rec manifest declaring image_shape [3, 48, 640] reads word_1.jpg as the shipped one, fed 48 × ≥ 640', async () => {
    const shipped = await load(path.join(PROJECT_ROOT, 'models', 'ppocrv4_rec'))
    const wideDir = await editedPackage(root, 'ppocrv4_rec', (text) => text.replace('RecResizeImg: { image_shape: [3, 48, 320] }', 'RecResizeImg: { image_shape: [3, 48, 640] }'))
    const wide = await load(wideDir)

    const expected = await read(shipped.model, word)
    assert.equal(expected.text, '韩国小馆')
    const [[, , , shippedWidth = 0]] = shipped.fed as [number[]]
    assert.ok(shippedWidth >= 320 && shippedWidth < 640, `the shipped manifest feeds width ${shippedWidth}`)

    const text = await read(wide.model, word)
    assert.equal(text.text, expected.text)
    assert.ok(text.confidence > 0.9, `confidence ${text.confidence}`)
    assert.equal(wide.fed.length, 1)
    const [n, channels, height, width = 0] = wide.fed[0]!
    assert.deepEqual([n, channels, height], [1, 3, 48])
    assert.ok(width >= 640, `the rec tensor is ${width} wide, the manifest declares 640`)
  })

  it("the direction classifier's labels come from its manifest: reversed, an upright word is turned", async () => {
    const shipped = await load(path.join(PROJECT_ROOT, 'models', 'ppocr_mobile_v2_cls'))
    const upright = await classify(shipped.model, word)
    assert.equal(upright.directions[0]!.label, '0')
    assert.ok(upright.directions[0]!.score > 0.9, `score ${upright.directions[0]!.score}`)
    assert.equal(upright.crops[0], word, 'kept as it is')
    assert.deepEqual(shipped.fed, [[1, 3, 48, 192]])

    const reversedDir = await editedPackage(root, 'ppocr_mobile_v2_cls', (text) => text.replace("label_list: ['0', '180']", "label_list: ['180', '0']"))
    const reversed = await classify((await load(reversedDir)).model, word)
    assert.deepEqual(reversed.directions, upright.directions.map((d) => ({ ...d, label: '180' })))
    assert.deepEqual(reversed.crops[0]!.data, rotate180(word).data, 'turned')
  })
})
