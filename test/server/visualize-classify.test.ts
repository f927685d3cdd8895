/**
 * `visualize` on POST /classify (the text_direction test package, a real model): the top-k
 * labels as a caption at the top left of the image, scaled within `visualize.max_side`, one JPEG
 * per image; and PaddleX's /image-classification drawing the same caption.
 */
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { textDirectionModelsDir } from '../helpers/classifier-package.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { inside, meanDiff, rgb, worstTile, type Pixels } from '../helpers/pixel-diff.js'

interface Answer {
  model: string
  results: Array<{ label_names: string[] }>
  visualizations?: string[]
}

/** A smooth colour gradient (re-encodes almost losslessly, so any drawing shows). */
function gradient(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 128], (y * width + x) * 3)
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer()
}

describe('POST /classify?visualize=true', () => {
  let dir: string
  let server: TestServer
  let photo: Buffer

  before(async () => {
    dir = await textDirectionModelsDir()
    server = await startTestServer({
      models: { dir },
      services: { ocr: { enabled: false }, classify: { default_model: 'text_direction' } },
      visualize: { max_side: 640 },
    })
    photo = await gradient(1600, 800)
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function classify(query: string, body: Buffer = photo): Promise<{ answer: Answer; drawn: Pixels[] }> {
    const response = await fetch(`${server.url}/classify${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body })
    assert.equal(response.status, 200)
    const answer = (await response.json()) as Answer
    return { answer, drawn: await Promise.all((answer.visualizations ?? []).map((b64) => rgb(Buffer.from(b64, 'base64')))) }
  }

  it('writes the top-k labels as a caption at the top left, the rest of the image unchanged, within max_side', async () => {
    const input = await rgb(photo, { width: 640, height: 320 })
    const { answer, drawn: [two] } = await classify('?visualize=true&topk=2')
    assert.deepEqual(answer.results[0]!.label_names.length, 2)
    assert.deepEqual([two!.width, two!.height], [640, 320], 'the 1600×800 image scaled to max_side 640')
    // Caption: white text on a 60 % black box; 18 px text at 1.3 line height + 6 px padding.
    const first = meanDiff(two!, input, (x, y) => inside(x, y, [0, 0, 50, 25]))
    assert.ok(first.mean > 40, `first caption line: mean difference ${first.mean.toFixed(1)}`)
    const second = meanDiff(two!, input, (x, y) => inside(x, y, [0, 36, 40, 50]))
    assert.ok(second.mean > 40, `second caption line: mean difference ${second.mean.toFixed(1)}`)
    // Away from the caption only JPEG re-encoding at quality 80 (measured 0.75, worst tile 0.84;
    // the caption lines ~50–60).
    const away = (x: number, y: number) => x > 200 || y > 100
    assert.ok(meanDiff(two!, input, away).mean < 2)
    assert.ok(worstTile(two!, input, away).mean < 4)
    const { drawn: [one] } = await classify('?visualize=true&topk=1')
    const below = meanDiff(one!, input, (x, y) => inside(x, y, [0, 40, 40, 50]))
    // Measured 2.1 (JPEG ringing below the box's edge) against ~60 with a second line.
    assert.ok(below.mean < 10, `one label: no second line (mean difference ${below.mean.toFixed(1)})`)
  })

  it('draws one JPEG per image, in order, and keeps a small image at its size', async () => {
    const small = await gradient(300, 200)
    const response = await fetch(`${server.url}/classify/text_direction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images: [photo.toString('base64'), small.toString('base64')], visualize: 'true' }),
    })
    assert.equal(response.status, 200)
    const answer = (await response.json()) as Answer
    assert.equal(answer.results.length, 2)
    const sizes = await Promise.all(answer.visualizations!.map((b64) => sharp(Buffer.from(b64, 'base64')).metadata()))
    assert.deepEqual(
      sizes.map((m) => [m.format, m.width, m.height]),
      [
        ['jpeg', 640, 320],
        ['jpeg', 300, 200],
      ],
    )
    assert.ok(answer.visualizations!.every((b64) => b64.length < 100_000), 'bounded: a few tens of KB each')
  })

  it('Accept: image/jpeg answers the JPEG; a task route refuses visualize=maybe with 422 invalid_option', async () => {
    const jpeg = await fetch(`${server.url}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg', accept: 'image/jpeg' }, body: photo })
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg')
    const meta = await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()
    assert.deepEqual([meta.width, meta.height], [640, 320])
    const bad = await fetch(`${server.url}/classify?visualize=maybe`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo })
    assert.equal(bad.status, 422)
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /visualize/)
  })

  it("PaddleX's /image-classification draws the same caption, bounded by protocols.paddlex.max_visualize_side", async () => {
    const response = await fetch(`${server.url}/image-classification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: photo.toString('base64'), topk: 2 }),
    })
    const { result } = (await response.json()) as { result: { image: string } }
    const drawn = await rgb(Buffer.from(result.image, 'base64'))
    assert.deepEqual([drawn.width, drawn.height], [1280, 640])
    const input = await rgb(photo, { width: 1280, height: 640 })
    assert.ok(meanDiff(drawn, input, (x, y) => inside(x, y, [0, 0, 60, 30])).mean > 40, 'caption at the top left')
    assert.ok(meanDiff(drawn, input, (x, y) => x > 400 || y > 200).mean < 2, 'no box over the whole image')
  })
})
