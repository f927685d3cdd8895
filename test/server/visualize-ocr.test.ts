/**
 * `visualize` on POST /ocr with the real PP-OCRv4 models: the drawn JPEG is the input with each
 * detected line outlined (PaddleX's picture: the image at the left, the lines' text and score on
 * a blank copy at the right), pixel-checked against the input; `Accept: image/jpeg` answers the
 * JPEG itself; without `visualize` the answer is unchanged.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { boxCorners, overlaySvg } from '../../src/vision/overlay-svg.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { grow, inside, meanDiff, rgb, worstTile, type Pixels, type Rect } from '../helpers/pixel-diff.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'

interface Line {
  text: string
  confidence: number
  text_region: Array<[number, number]>
}

const boundsOf = (region: Array<[number, number]>): Rect => {
  const xs = region.map(([x]) => x)
  const ys = region.map(([, y]) => y)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1]
}

/**
 * Text ink (grey < 128) in `rect` of `pixels`: how much of the area is inked, and the largest
 * share of one row's pixels inked across the left 60 % of the ink (the CJK part of "纯臻营养护发素
 * 0.998"). Missing glyphs are drawn as boxes (pango's hex boxes) whose top and bottom edges ink
 * ~90 % of such a row; real CJK glyphs ~50 %.
 */
function ink(pixels: Pixels, [x1, y1, x2, y2]: Rect): { density: number; longestRow: number } {
  const isInk = (x: number, y: number) => {
    const at = (y * pixels.width + x) * pixels.channels
    return (pixels.data[at]! + pixels.data[at + 1]! + pixels.data[at + 2]!) / 3 < 128
  }
  let [left, top, right, bottom] = [x2, y2, -1, -1]
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) if (isInk(x, y)) [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)]
  }
  if (right < 0) return { density: 0, longestRow: 0 }
  const end = Math.round(left + 0.6 * (right - left))
  let inked = 0
  let longestRow = 0
  for (let y = top; y <= bottom; y++) {
    let row = 0
    for (let x = left; x <= end; x++) if (isInk(x, y)) row++
    inked += row
    longestRow = Math.max(longestRow, row / (end - left + 1))
  }
  return { density: inked / ((end - left + 1) * (bottom - top + 1)), longestRow }
}

describe('POST /ocr?visualize=true', { skip: needsSharedAssets, timeout: 240_000 }, () => {
  let server: TestServer
  let image: Buffer

  before(async () => {
    server = await startTestServer({ services: { classify: { enabled: false }, recognize: { enabled: false } } })
    image = await readFile(asset('images/ocr/imgs/11.jpg'))
  })
  after(() => server?.close())

  const post = (query: string, headers: Record<string, string> = {}, body: Uint8Array = image) =>
    fetch(`${server.url}/ocr${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...headers }, body })

  it('draws the detected lines: pixels change inside every box, match the input away from them, and the text is rendered', async () => {
    const response = await post('?visualize=true')
    assert.equal(response.status, 200)
    assert.match(response.headers.get('server-timing') ?? '', /draw-postp;dur=[\d.]+/)
    const body = (await response.json()) as { results: Line[][]; visualizations: string[] }
    assert.equal(body.visualizations.length, 1)
    const lines = body.results[0]!
    const title = lines.find((line) => line.text === '纯臻营养护发素')
    assert.ok(title, JSON.stringify(lines.map((l) => l.text)))
    const input = await rgb(image)
    const drawn = await rgb(Buffer.from(body.visualizations[0]!, 'base64'))
    // 500×500, within visualize.max_side 1280 both halves together: not scaled.
    assert.deepEqual([drawn.width, drawn.height], [2 * input.width, input.height])

    const boxes = lines.map((line) => boundsOf(line.text_region))
    // Inside each box the outline and the 15 % tint of its colour shift pixels (measured 22–42
    // levels per line): > 8 asserted. Away from every box (8 px beyond it: the 2 px outline, JPEG's
    // 8×8 blocks) the only change is re-encoding at quality 80 (measured 0.9 on average, ≤ 2.9 in
    // a 50×50 tile, worst along text edges): < 3 and < 6 asserted, which one stray outline, tag or
    // caption in a tile would exceed.
    for (const [i, box] of boxes.entries()) {
      const { mean } = meanDiff(drawn, input, (x, y) => inside(x, y, box))
      assert.ok(mean > 8, `line ${i} (${lines[i]!.text}): mean difference ${mean.toFixed(1)} inside its box`)
    }
    const away = (x: number, y: number) => !boxes.some((box) => inside(x, y, grow(box, 8)))
    const outside = meanDiff(drawn, input, away)
    assert.ok(outside.pixels > 0.3 * input.width * input.height, `${outside.pixels} pixels away from the boxes`)
    assert.ok(outside.mean < 3, `mean difference ${outside.mean.toFixed(2)} away from the boxes`)
    const tile = worstTile(drawn, input, away)
    assert.ok(tile.mean < 6, `tile at ${tile.at}: mean difference ${tile.mean.toFixed(1)}`)

    // The right half is blank but for the outlines and the text written in them.
    const blank = { data: Buffer.alloc(input.data.length, 255), width: input.width, height: input.height, channels: input.channels }
    assert.ok(meanDiff(drawn, blank, away, input.width).mean < 2, 'the right half is white away from the boxes')
    const titleText = grow(boundsOf(title.text_region), -4) // inside the outline
    const written = ink(drawn, [titleText[0] + input.width, titleText[1], titleText[2] + input.width, titleText[3]])
    assert.ok(written.density > 0.15, `the title's text is written: ${(100 * written.density).toFixed(0)} % ink`)
    assert.ok(written.longestRow < 0.75, `the title's glyphs are missing-glyph boxes (a row ${(100 * written.longestRow).toFixed(0)} % inked): install fonts-noto-cjk`)
  })

  it('the missing-glyph check above fails on missing glyphs', async () => {
    // Private-use code points have no glyph in any font: drawn as boxes, as CJK is without the fonts.
    const svg = overlaySvg(500, 100, { shapes: [{ points: boxCorners([28, 37, 302, 72]), label: '\uE000\uE001\uE002\uE003\uE004\uE005\uE006 0.998' }], layout: 'side-by-side' })
    const jpeg = await sharp({ create: { width: 1000, height: 100, channels: 3, background: '#fff' } })
      .composite([{ input: Buffer.from(svg) }])
      .jpeg({ quality: 80 })
      .toBuffer()
    const boxes = ink(await rgb(jpeg), [532, 41, 798, 68])
    assert.ok(boxes.density > 0.15 && boxes.longestRow >= 0.75, JSON.stringify(boxes))
  })

  it('Accept: image/jpeg answers the drawn JPEG itself, with Server-Timing; visualize is implied', async () => {
    const response = await post('', { accept: 'image/jpeg' })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'image/jpeg')
    assert.match(response.headers.get('server-timing') ?? '', /rec-midp;dur=.*draw-postp;dur=/)
    const jpeg = Buffer.from(await response.arrayBuffer())
    const meta = await sharp(jpeg).metadata()
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1000, 500])
    // JSON stays the answer when the client prefers it or names no type (curl's */*).
    const json = await post('?visualize=1', { accept: 'application/json, image/jpeg;q=0.5' })
    assert.match(json.headers.get('content-type') ?? '', /application\/json/)
    assert.equal(((await json.json()) as { visualizations: string[] }).visualizations.length, 1)
  })

  it('without visualize (or visualize=false) the answer is byte-identical to the plain one', async () => {
    const plain = await (await post('')).text()
    assert.ok(!plain.includes('visualizations'))
    assert.equal(await (await post('?visualize=false')).text(), plain)
    assert.equal(await (await post('', { accept: '*/*' })).text(), plain)
    const drawn = (await (await post('?visualize=true')).json()) as { results: unknown; visualizations?: string[] }
    assert.equal(JSON.stringify({ results: drawn.results }), plain, 'results unchanged beside visualizations')
  })

  it('refuses a bad visualize value (422 invalid_option), Accept: image/jpeg with two images or with visualize=false (400)', async () => {
    const bad = await post('?visualize=maybe')
    assert.equal(bad.status, 422)
    const error = ((await bad.json()) as { error: { code: string; message: string } }).error
    assert.equal(error.code, 'invalid_option')
    assert.match(error.message, /visualize/)
    const form = new FormData()
    for (const name of ['a.jpg', 'b.jpg']) form.append('image', new Blob([image], { type: 'image/jpeg' }), name)
    const two = await fetch(`${server.url}/ocr`, { method: 'POST', headers: { accept: 'image/jpeg' }, body: form })
    assert.equal(two.status, 400)
    assert.match(((await two.json()) as { error: { message: string } }).error.message, /one drawn image; this request has 2 images/)
    const contradictory = await post('?visualize=false', { accept: 'image/jpeg' })
    assert.equal(contradictory.status, 400)
    assert.match(((await contradictory.json()) as { error: { message: string } }).error.message, /visualize=false/)
  })
})
