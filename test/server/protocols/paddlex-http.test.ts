/**
 * The PaddleX serving protocol end to end with real models: POST /ocr in PaddleX's form (beside
 * the native forms on the same path), /image-classification, URL inputs behind the allowlist,
 * and the envelope of every kind of failure.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { truncatedJpeg } from '../../helpers/bad-images.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { asset, needsSharedAssets } from '../../helpers/shared-assets.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Envelope<T = Record<string, unknown>> {
  logId: string
  errorCode: number
  errorMsg: string
  result?: T
}

interface OcrResult {
  ocrResults: Array<{ prunedResult: Record<string, unknown> & { rec_texts: string[]; rec_scores: number[]; rec_polys: number[][][]; dt_polys: number[][][] }; ocrImage: string | null }>
  dataInfo: { width: number; height: number; type: string }
}

/** A local file host for URL inputs: /11.jpg, /big (over the size cap), /slow (never answers), /elsewhere (redirects off the allowlist). */
async function startFileHost(image: Buffer): Promise<{ server: Server; host: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/11.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(image)
    else if (req.url === '/big') res.writeHead(200).end(Buffer.alloc(3 * 1024 * 1024, 1))
    else if (req.url === '/elsewhere') res.writeHead(302, { location: 'http://localhost.invalid/x.jpg' }).end()
    else if (req.url !== '/slow') res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('PaddleX serving protocol', { skip: needsSharedAssets, timeout: 240_000 }, () => {
  let server: TestServer
  let files: { server: Server; host: string }
  let productImage: Buffer
  let dog: Buffer

  before(async () => {
    productImage = await readFile(asset('images/ocr/imgs/11.jpg'))
    dog = await readFile(asset('images/imagenet/ILSVRC2012_val_00020010.jpeg'))
    files = await startFileHost(productImage)
    server = await startTestServer({
      limits: { max_body_bytes: 2 * 1024 * 1024 },
      services: { classify: { enabled: true } },
      protocols: { paddlex: { url_allowlist: [files.host], url_timeout_ms: 1500 } },
    })
  })
  after(async () => {
    await server?.close()
    files?.server.close()
  })

  async function post<T>(path: string, body: unknown, expected = 200): Promise<Envelope<T>> {
    const response = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const text = await response.text()
    assert.equal(response.status, expected, text)
    const envelope = JSON.parse(text) as Envelope<T>
    assert.match(envelope.logId, UUID)
    assert.equal(envelope.errorCode, expected === 200 ? 0 : expected)
    if (expected === 200) assert.equal(envelope.errorMsg, 'Success')
    return envelope
  }

  it('POST /ocr {file, fileType: 1}: the envelope, the OCR pipeline keys, dataInfo and a drawn JPEG', async () => {
    const { result } = await post<OcrResult>('/ocr', { file: productImage.toString('base64'), fileType: 1 })
    const [page] = result!.ocrResults
    const pruned = page!.prunedResult
    assert.ok(pruned.rec_texts.includes('纯臻营养护发素'), JSON.stringify(pruned.rec_texts))
    assert.equal(pruned.rec_scores.length, pruned.rec_texts.length)
    assert.equal(pruned.rec_polys.length, pruned.rec_texts.length)
    assert.ok(pruned.dt_polys.length >= pruned.rec_polys.length)
    assert.deepEqual(pruned.rec_polys[0]!.length, 4)
    assert.equal(pruned.text_rec_score_thresh, 0.5)
    assert.deepEqual(Object.keys(pruned.text_det_params as object), ['limit_side_len', 'limit_type', 'thresh', 'box_thresh', 'unclip_ratio'])
    for (const key of ['model_settings', 'text_type', 'rec_boxes']) assert.ok(key in pruned, key)
    const meta = await sharp(productImage).metadata()
    assert.deepEqual(result!.dataInfo, { width: meta.width, height: meta.height, type: 'image' })
    const drawn = await sharp(Buffer.from(page!.ocrImage!, 'base64')).metadata()
    assert.equal(drawn.format, 'jpeg')
    // PaddleX's layout: the image with the lines' outlines, and their text on a blank copy beside it.
    assert.deepEqual([drawn.width, drawn.height], [2 * meta.width!, meta.height]) // within 1280: not scaled
  })

  it('maps the options: textRecScoreThresh filters rec_*, textDetLimitSideLen reaches the task, visualize false → null', async () => {
    const file = productImage.toString('base64')
    const { result } = await post<OcrResult>('/ocr', { file, fileType: 1, textRecScoreThresh: 0.99, textDetLimitSideLen: 736, visualize: false, useDocUnwarping: false, useTextlineOrientation: null })
    const pruned = result!.ocrResults[0]!.prunedResult
    assert.ok(pruned.rec_scores.every((score) => score >= 0.99))
    assert.equal((pruned.text_det_params as { limit_side_len: number }).limit_side_len, 736)
    assert.equal(result!.ocrResults[0]!.ocrImage, null)
  })

  it('keeps the native JSON and raw forms on the same path', async () => {
    const json = await fetch(`${server.url}/ocr`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: productImage.toString('base64') }) })
    const body = (await json.json()) as { results: Array<Array<{ text: string }>> }
    assert.ok(body.results[0]!.some((line) => line.text === '纯臻营养护发素'))
    const raw = await fetch(`${server.url}/ocr`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: productImage })
    assert.equal(raw.status, 200)
    assert.ok('results' in ((await raw.json()) as object))
  })

  it('POST /image-classification: the Weimaraner is the top category, with PaddleX fields', async () => {
    const { result } = await post<{ categories: Array<{ id: number; name: string; score: number }>; image: string }>('/image-classification', { image: dog.toString('base64'), topk: 3 })
    assert.equal(result!.categories.length, 3)
    assert.deepEqual(Object.keys(result!.categories[0]!), ['id', 'name', 'score'])
    assert.equal(result!.categories[0]!.name, 'Weimaraner')
    assert.equal(result!.categories[0]!.id, 178)
    assert.equal((await sharp(Buffer.from(result!.image, 'base64')).metadata()).format, 'jpeg')
  })

  it('refuses PDFs, unavailable models, unknown and out-of-range fields with 422 naming the field', async () => {
    const file = productImage.toString('base64')
    assert.match((await post('/ocr', { file, fileType: 0 }, 422)).errorMsg, /PDF.*not supported/)
    assert.match((await post('/ocr', { file: Buffer.from('%PDF-1.4 ...').toString('base64') }, 422)).errorMsg, /PDF/)
    assert.match((await post('/ocr', { file, useDocUnwarping: true }, 422)).errorMsg, /useDocUnwarping/)
    assert.match((await post('/ocr', { file, fileType: 1, textDetLimitSideLen: 99999 }, 422)).errorMsg, /textDetLimitSideLen/)
    assert.match((await post('/ocr', { file, fileType: 1, useTextLineOrientation: true }, 422)).errorMsg, /unknown field useTextLineOrientation/)
    assert.match((await post('/image-classification', { image: dog.toString('base64'), topk: 'five' }, 422)).errorMsg, /topk/)
  })

  it('a bad image is a 400-class envelope within a second, and the server stays healthy', async () => {
    for (const file of [Buffer.from(await truncatedJpeg()).toString('base64'), Buffer.from('not an image at all').toString('base64'), '!!not base64!!']) {
      const started = performance.now()
      const { errorMsg } = await post('/ocr', { file, fileType: 1 }, 400)
      assert.ok(performance.now() - started < 1000)
      assert.ok(errorMsg.length > 0)
    }
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
    const health = (await (await fetch(`${server.url}/health`)).json()) as Envelope
    assert.deepEqual([health.errorCode, health.errorMsg], [0, 'Healthy'])
    const { result } = await post<OcrResult>('/ocr', { file: productImage.toString('base64'), fileType: 1, visualize: false })
    assert.ok(result!.ocrResults[0]!.prunedResult.rec_texts.includes('纯臻营养护发素'))
  })

  it('fetches a URL on an allowlisted host; refuses other hosts, redirects off the list, oversize and slow files', async () => {
    const { result } = await post<OcrResult>('/ocr', { file: `http://${files.host}/11.jpg`, fileType: 1, visualize: false })
    assert.ok(result!.ocrResults[0]!.prunedResult.rec_texts.includes('纯臻营养护发素'))
    assert.match((await post('/ocr', { file: 'http://169.254.169.254/latest/meta-data', fileType: 1 }, 403)).errorMsg, /protocols\.paddlex\.url_allowlist/)
    assert.match((await post('/ocr', { file: `http://${files.host}/elsewhere`, fileType: 1 }, 403)).errorMsg, /localhost\.invalid/)
    assert.match((await post('/image-classification', { image: `http://${files.host}/big` }, 413)).errorMsg, /max_body_bytes/)
    const started = performance.now()
    assert.match((await post('/ocr', { file: `http://${files.host}/slow`, fileType: 1 }, 504)).errorMsg, /url_timeout_ms/)
    assert.ok(performance.now() - started < 5000)
  })
})
