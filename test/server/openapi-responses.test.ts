/**
 * Real answers of a running server fit the response schemas /openapi.json gives for them: native
 * tasks in each input form, native errors, and each protocol's envelope. A field added to an
 * answer (or a status answered) without its schema fails here, so the document cannot drift.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { AnswerChecker, startOpenApiServer, type Json, type OpenApiEnv } from '../helpers/openapi-env.js'

describe('answers fit the schemas of /openapi.json', () => {
  let env: OpenApiEnv
  let url: string
  let checker: AnswerChecker
  let jpeg: Uint8Array
  let base64: string
  before(async () => {
    env = await startOpenApiServer()
    url = env.server.url
    checker = new AnswerChecker((await (await fetch(`${url}/openapi.json`)).json()) as Json)
    jpeg = await smallJpeg(96, 64)
    base64 = Buffer.from(jpeg).toString('base64')
  })
  after(() => env?.close())

  const raw = (route: string, body: Uint8Array = jpeg) => fetch(url + route, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body })
  const json = (route: string, body: unknown, method = 'POST') =>
    fetch(url + route, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('POST /ocr in the three forms, with det or rec off', async () => {
    const lines = (await checker.check('post', '/ocr', await raw('/ocr'))).results[0]
    assert.ok(lines.length > 0 && lines[0].text.length > 0, 'the fake models read a line') // a non-empty answer is what gets checked
    const form = new FormData()
    for (const name of ['a.jpg', 'b.jpg']) form.append('image', new Blob([jpeg], { type: 'image/jpeg' }), name)
    form.append('cls', 'false')
    const two = await checker.check('post', '/ocr', await fetch(`${url}/ocr`, { method: 'POST', body: form }))
    assert.equal(two.results.length, 2)
    const regions = await checker.check('post', '/ocr', await json('/ocr', { images: [base64], rec: false }))
    assert.deepEqual(Object.keys(regions.results[0][0]), ['text_region'])
    const text = await checker.check('post', '/ocr', await raw('/ocr?det=false'))
    assert.deepEqual(Object.keys(text.results[0][0]).sort(), ['confidence', 'text'])
  })

  it('POST /ocr with visualize, as JSON and as the JPEG itself', async () => {
    const drawn = await checker.check('post', '/ocr', await raw('/ocr?visualize=true'))
    assert.equal(drawn.visualizations.length, 1)
    const picture = await fetch(`${url}/ocr`, { method: 'POST', headers: { 'content-type': 'image/jpeg', accept: 'image/jpeg' }, body: jpeg })
    assert.equal(picture.status, 200)
    assert.equal(picture.headers.get('content-type'), 'image/jpeg')
    checker.schemaFor('post', '/ocr', 200, 'image/jpeg')
    await picture.arrayBuffer()
  })

  it('POST /classify and /classify/{model}', async () => {
    const answer = await checker.check('post', '/classify', await raw('/classify'))
    assert.equal(answer.model, 'text_direction')
    const top1 = await checker.check('post', '/classify/{model}', await json('/classify/text_direction', { image: base64, topk: 1 }))
    assert.equal(top1.results[0].class_ids.length, 1)
  })

  it('native errors: 422, 415, 404, 400, and 503 for a task whose models are missing', async () => {
    const cases: Array<[string, Response, string]> = [
      ['/ocr', await raw('/ocr?drop_score=2'), 'invalid_option'],
      ['/ocr', await fetch(`${url}/ocr`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }), 'unsupported_media_type'],
      ['/classify/{model}', await raw('/classify/resnet9000'), 'not_found'],
      ['/classify', await json('/classify', { image: 'not base64!' }), 'invalid_input'],
      ['/recognize', await raw('/recognize'), 'model_not_ready'],
    ]
    for (const [route, response, code] of cases) assert.equal((await checker.check('post', route, response)).error.code, code, route)
  })

  it('health, readiness and the gallery API', async () => {
    assert.equal((await checker.check('get', '/healthz', await fetch(`${url}/healthz`))).status, 'ok')
    const readiness = await fetch(`${url}/readyz`)
    assert.equal(readiness.status, 503, 'the recognition models are missing')
    assert.ok((await checker.check('get', '/readyz', readiness)).models.some((m: Json) => m.state === 'missing'))
    await checker.check('get', '/gallery/{index}', await fetch(`${url}/gallery/drink`))
    const metrics = await fetch(`${url}/metrics`)
    checker.schemaFor('get', '/metrics', metrics.status, metrics.headers.get('content-type') ?? '')
  })

  it('Paddle Serving and PaddleHub envelopes, success and failure', async () => {
    const ok = await checker.check('post', '/{service}/prediction', await json('/ocr/prediction', { key: ['image'], value: [base64] }))
    assert.equal(ok.err_no, 0)
    const labels = await checker.check('post', '/{service}/prediction', await json('/imagenet/prediction', { key: ['image_0', 'image_1'], value: [base64, base64] }))
    assert.deepEqual(labels.key, ['label', 'prob'])
    const bad = await checker.check('post', '/{service}/prediction', await json('/ocr/prediction', { key: ['image'], value: ['%%%'] }))
    assert.equal(bad.err_no, 5000)
    const hub = await checker.check('post', '/predict/{module}', await json('/predict/ocr_system', { images: [base64] }))
    assert.equal(hub.status, '000')
    const rec = await checker.check('post', '/predict/{module}', await json('/predict/ocr_rec', { images: [base64, base64] }))
    assert.equal(rec.results[0].length, 2)
    assert.equal((await checker.check('post', '/predict/{module}', await json('/predict/ocr_system', { images: [base64], det: false }))).status, '101')
  })

  it('PaddleX envelopes, success and failure', async () => {
    const ocr = await checker.check('post', '/ocr', await json('/ocr', { file: base64, fileType: 1 }))
    assert.ok(ocr.result.ocrResults[0].prunedResult.rec_texts.length > 0)
    assert.equal(typeof ocr.result.ocrResults[0].ocrImage, 'string', 'drawn')
    const categories = await checker.check('post', '/image-classification', await json('/image-classification', { image: base64, topk: 2, visualize: false }))
    assert.equal(categories.result.categories.length, 2)
    assert.equal((await checker.check('post', '/image-classification', await json('/image-classification', { image: base64, size: 3 }))).errorCode, 422)
    assert.equal((await checker.check('post', '/shitu-infer', await json('/shitu-infer', { image: base64 }))).errorCode, 503)
    assert.equal((await checker.check('get', '/health', await fetch(`${url}/health`))).errorMsg, 'Healthy')
  })

  it('KServe v2 metadata, inference, repository and errors', async () => {
    await checker.check('get', '/v2', await fetch(`${url}/v2`))
    const metadata = await checker.check('get', '/v2/models/{model}', await fetch(`${url}/v2/models/ppocr_mobile_v2_cls`))
    assert.equal(metadata.inputs[0].name, 'x')
    const inputs = [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: new Array(3 * 48 * 192).fill(0) }]
    const inferred = await checker.check('post', '/v2/models/{model}/infer', await json('/v2/models/ppocr_mobile_v2_cls/infer', { id: '7', inputs }))
    assert.deepEqual(inferred.outputs[0].shape, [1, 2])
    const index = await checker.check('post', '/v2/repository/index', await json('/v2/repository/index', {}))
    assert.ok(index.some((entry: Json) => entry.name === 'ppocrv4_det' && entry.state === 'READY'))
    assert.match((await checker.check('get', '/v2/models/{model}', await fetch(`${url}/v2/models/nope`))).error, /nope/)
  })
})
