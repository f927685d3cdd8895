/**
 * The Paddle Serving pipeline and PaddleHub protocols end to end with real images and models:
 * the envelopes field for field, `value` strings read as Python literals (and as JSON), the known
 * answers (imgs/11.jpg reads 纯臻营养护发素, the Weimaraner photo, a drink gallery photo), and bad
 * images answered in the envelope within a second with the server still healthy.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { truncatedJpeg } from '../../helpers/bad-images.js'
import { needsProtocolEnv, startProtocolEnv, type PipelineAnswer, type ProtocolEnv } from '../../helpers/paddle-protocols-env.js'
import { readPythonLiteral, type PythonValue } from '../../../src/util/python-literal.js'
import { GALLERY_ROOT } from '../../helpers/recognition-env.js'
import { asset } from '../../helpers/shared-assets.js'

interface HubAnswer {
  msg: string
  results: unknown
  status: string
}

type HubLine = { text?: string; confidence?: number; text_region?: number[][] }

const base64 = async (file: string) => (await readFile(file)).toString('base64')

/** Each value read as Python would read it, checked to read the same as JSON. */
function pythonValues(answer: PipelineAnswer): PythonValue[] {
  return answer.value.map((text) => {
    const value = readPythonLiteral(text)
    assert.deepEqual(JSON.parse(text), value, text)
    assert.doesNotMatch(text, /\b(true|false|null|NaN|Infinity)\b/)
    return value
  })
}

describe('Paddle Serving pipeline and PaddleHub protocols on real models', { skip: needsProtocolEnv, timeout: 600_000 }, () => {
  let env: ProtocolEnv
  let url: string
  before(async () => {
    env = await startProtocolEnv()
    url = env.server.url
  })
  after(() => env?.close())

  /** As the official clients post: data=json.dumps(...), no Content-Type header. */
  async function pipeline(service: string, body: unknown): Promise<PipelineAnswer> {
    const response = await fetch(`${url}/${service}/prediction`, { method: 'POST', body: new Blob([JSON.stringify(body)]) })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/json')
    const answer = (await response.json()) as PipelineAnswer
    assert.deepEqual(Object.keys(answer), ['err_no', 'err_msg', 'key', 'value', 'tensors'])
    assert.deepEqual(answer.tensors, [])
    return answer
  }

  async function hub(module: string, images: string[], extra: Record<string, unknown> = {}): Promise<HubAnswer> {
    const response = await fetch(`${url}/predict/${module}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images, ...extra }),
    })
    assert.equal(response.status, 200)
    const answer = (await response.json()) as HubAnswer
    assert.deepEqual(Object.keys(answer), ['msg', 'results', 'status'])
    return answer
  }

  it('/ocr/prediction: key "result", [[text, score], [[x, y] ×4]] per line; 11.jpg reads 纯臻营养护发素', async () => {
    const answer = await pipeline('ocr', { key: ['image'], value: [await base64(asset('images/ocr/imgs/11.jpg'))], logid: 7 })
    assert.equal(answer.err_no, 0, answer.err_msg)
    assert.equal(answer.err_msg, '')
    assert.deepEqual(answer.key, ['result'])
    const [lines] = pythonValues(answer) as [Array<[[string, number], number[][]]>]
    assert.ok(lines.length >= 15, `${lines.length} lines`)
    for (const [[text, score], quad] of lines) {
      assert.equal(typeof text, 'string')
      assert.ok(score >= 0.5 && score <= 1, `${score}`)
      assert.equal(quad.length, 4)
      assert.ok(quad.every((p) => p.length === 2 && p.every(Number.isInteger)))
    }
    assert.equal(lines[0]![0][0], '纯臻营养护发素')
  })

  it('/ocr/prediction options as keys: det=false → "res" [text] (web_service_rec), rec=false → "dt_boxes" (web_service_det)', async () => {
    const word = await base64(asset('images/ocr/imgs_words/ch/word_1.jpg'))
    const rec = await pipeline('ocr', { key: ['image', 'det'], value: [word, 'false'] })
    assert.equal(rec.err_no, 0, rec.err_msg)
    assert.deepEqual(rec.key, ['res'])
    assert.deepEqual(pythonValues(rec), [['韩国小馆']])
    const det = await pipeline('ocr', { key: ['image', 'rec'], value: [await base64(asset('images/ocr/imgs/11.jpg')), 'false'] })
    assert.deepEqual(det.key, ['dt_boxes'])
    const [boxes] = pythonValues(det) as [number[][][]]
    assert.ok(boxes.length >= 15 && boxes.every((quad) => quad.length === 4))
  })

  it('/imagenet/prediction: "label" and "prob" lists, top-1 per image, one image per key', async () => {
    const weimaraner = await base64(asset('images/imagenet/ILSVRC2012_val_00020010.jpeg'))
    const one = await pipeline('imagenet', { key: ['image'], value: [weimaraner] })
    assert.equal(one.err_no, 0, one.err_msg)
    assert.deepEqual(one.key, ['label', 'prob'])
    const [labels, probs] = pythonValues(one) as [string[], number[]]
    assert.deepEqual(labels, ['Weimaraner'])
    assert.ok(probs[0]! > 0.9 && probs[0]! <= 1)
    const snake = await base64(asset('images/imagenet/ILSVRC2012_val_00006666.JPEG'))
    const two = await pipeline('imagenet', { key: ['image_0', 'image_1'], value: [snake, weimaraner] })
    // "garter snake, grass snake": Paddle's labels carry no commas.
    assert.deepEqual(pythonValues(two)[0], ['garter snake grass snake', 'Weimaraner'])
    // A task route the pipeline path also matches (/classify/:model) still answers natively.
    const native = await fetch(`${url}/classify/prediction`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(asset('images/imagenet/ILSVRC2012_val_00020010.jpeg')) })
    assert.equal(native.status, 404)
    assert.equal(((await native.json()) as { error: { code: string } }).error.code, 'not_found')
  })

  it('/recognition/prediction: "result" [{bbox, rec_docs, rec_scores}]; a drink gallery photo is its own label', async () => {
    const [relative, label] = env.recognition.lines[77]!
    const answer = await pipeline('recognition', { key: ['image'], value: [await base64(path.join(GALLERY_ROOT, relative))] })
    assert.equal(answer.err_no, 0, answer.err_msg)
    assert.deepEqual(answer.key, ['result'])
    const [objects] = pythonValues(answer) as [Array<{ bbox: number[]; rec_docs: string; rec_scores: number }>]
    assert.ok(objects.length >= 1, 'nothing recognised')
    assert.deepEqual(Object.keys(objects[0]!), ['bbox', 'rec_docs', 'rec_scores'])
    assert.equal(objects[0]!.rec_docs, label)
    assert.ok(objects[0]!.rec_scores >= 0.35 && objects[0]!.bbox.length === 4)
  })

  it('/predict/ocr_system: {text, confidence, text_region} per line, one list per image', async () => {
    const answer = await hub('ocr_system', [await base64(asset('images/ocr/imgs/11.jpg')), await base64(asset('images/ocr/imgs_words/ch/word_1.jpg'))])
    assert.equal(answer.status, '000')
    assert.equal(answer.msg, '')
    const [page, word] = answer.results as HubLine[][]
    assert.equal(page![0]!.text, '纯臻营养护发素')
    for (const line of page!) {
      assert.deepEqual(Object.keys(line), ['text', 'confidence', 'text_region'])
      assert.ok(line.confidence! >= 0.5 && line.text_region!.length === 4)
    }
    assert.equal(word![0]!.text, '韩国小馆')
  })

  it('/predict/ocr_det: text_region only; /predict/ocr_rec: ONE list with {text, confidence} per image', async () => {
    const det = await hub('ocr_det', [await base64(asset('images/ocr/imgs/11.jpg'))])
    assert.equal(det.status, '000')
    const [regions] = det.results as HubLine[][]
    assert.ok(regions!.length >= 15 && regions!.every((r) => Object.keys(r).join() === 'text_region' && r.text_region!.length === 4))
    const words = [asset('images/ocr/imgs_words/ch/word_1.jpg'), asset('images/ocr/imgs_words/ch/word_4.jpg')]
    const rec = await hub('ocr_rec', await Promise.all(words.map(base64)))
    assert.equal(rec.status, '000')
    const results = rec.results as HubLine[][]
    assert.equal(results.length, 1)
    assert.deepEqual(results[0]!.map((r) => r.text), ['韩国小馆', '实力活力'])
    assert.ok(results[0]!.every((r) => Object.keys(r).join() === 'text,confidence' && r.confidence! > 0.5))
  })

  it('a bad image is answered in the envelope within a second, and the server stays healthy', async () => {
    const broken = Buffer.from(await truncatedJpeg()).toString('base64')
    for (const service of ['ocr', 'imagenet', 'recognition']) {
      const started = performance.now()
      const answer = await pipeline(service, { key: ['image'], value: [broken] })
      assert.equal(answer.err_no, 5000, `${service}: ${answer.err_msg}`)
      assert.match(answer.err_msg, /image/i)
      assert.deepEqual([answer.key, answer.value], [[], []])
      assert.ok(performance.now() - started < 1000, `${service} took ${performance.now() - started} ms`)
    }
    for (const module of ['ocr_system', 'ocr_det', 'ocr_rec']) {
      const started = performance.now()
      const answer = await hub(module, [broken])
      assert.equal(answer.status, '101', module)
      assert.match(answer.msg, /image/i)
      assert.equal(answer.results, '')
      assert.ok(performance.now() - started < 1000)
    }
    assert.equal((await fetch(`${url}/healthz`)).status, 200)
    const again = await pipeline('imagenet', { key: ['image'], value: [await base64(asset('images/imagenet/ILSVRC2012_val_00020010.jpeg'))] })
    assert.equal(again.err_no, 0)
  })
})
