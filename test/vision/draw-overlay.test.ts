/**
 * Result images: the SVG overlay composited by sharp over decoded pixels, its size bound, BGR
 * pixels drawn in their true colours, captions, and that Chinese text renders as glyphs
 * (fonts-noto-cjk from the install step), not as empty missing-glyph boxes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import sharp from 'sharp'
import { drawOverlay } from '../../src/vision/draw-overlay.js'
import type { ChannelOrder, Image } from '../../src/vision/image.js'
import { boxCorners, overlaySvg } from '../../src/vision/overlay-svg.js'

/** A decoded image of one colour, given as [c0, c1, c2] in `order`. */
function solid(width: number, height: number, colour = [255, 255, 255], order: ChannelOrder = 'rgb'): Image {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = colour[i % 3]!
  return { data, width, height, channels: 3, order }
}

async function rgbPixels(jpeg: Buffer): Promise<{ at(x: number, y: number): number[]; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { at: (x, y) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)], width: info.width, height: info.height }
}

async function greyPixels(jpeg: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

/** Renders `text` in the overlay font, black on white, as greyscale pixels. */
async function renderText(text: string): Promise<{ data: Buffer; width: number; height: number }> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><text x="10" y="100" font-family="Noto Sans CJK SC" font-size="96" fill="#000">${text}</text></svg>`
  const { data, info } = await sharp({ create: { width: 120, height: 120, channels: 3, background: '#fff' } })
    .composite([{ input: Buffer.from(svg) }])
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

describe('result image overlay', () => {
  it('renders 纯 as a glyph: pixels change against an empty label, and its ink is not a missing-glyph box', async () => {
    const empty = await renderText('')
    const glyph = await renderText('纯')
    const dark = [...glyph.data].filter((v) => v < 128).length
    assert.equal([...empty.data].filter((v) => v < 128).length, 0)
    assert.ok(dark > 300, `only ${dark} dark pixels`)
    // A missing glyph is drawn as a box: its ink's bounding rectangle is outlined all round.
    let [left, top, right, bottom] = [glyph.width, glyph.height, -1, -1]
    for (let y = 0; y < glyph.height; y++) {
      for (let x = 0; x < glyph.width; x++) {
        if (glyph.data[y * glyph.width + x]! < 128) [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)]
      }
    }
    let edge = 0
    let inked = 0
    for (let x = left; x <= right; x++) {
      for (const y of [top, bottom]) {
        edge++
        if (glyph.data[y * glyph.width + x]! < 128) inked++
      }
    }
    assert.ok(inked / edge < 0.6, `the ink's top and bottom rows are ${Math.round((100 * inked) / edge)} % dark: a missing-glyph box, install fonts-noto-cjk`)
    assert.notDeepEqual(glyph.data, (await renderText('臻')).data)
  })

  it('draws labelled shapes over the image as a JPEG, escaping the label text', async () => {
    const svg = overlaySvg(100, 50, { shapes: [{ points: boxCorners([10, 10, 60, 40]), label: 'a<b & "c"' }] })
    assert.match(svg, /a&#60;b &#38; &#34;c&#34;/)
    const drawn = await drawOverlay(solid(200, 100), { shapes: [{ points: boxCorners([20, 30, 120, 80]), label: '纯臻 0.998' }] }, { maxSide: 1280 })
    assert.equal((await sharp(drawn.jpeg).metadata()).format, 'jpeg')
    assert.deepEqual([drawn.width, drawn.height], [200, 100])
    const { data, width } = await greyPixels(drawn.jpeg)
    assert.ok(data[55 * width + 20]! < 200, 'the outline is drawn') // left edge of the box
    assert.ok(data[95 * width + 190]! > 240, 'away from the shape the image is unchanged')
  })

  it('bounds the long side, scaling the shapes with the image; side by side puts a blank copy at the right', async () => {
    const drawn = await drawOverlay(solid(4000, 1000), { shapes: [{ points: boxCorners([0, 0, 2000, 500]) }] }, { maxSide: 1000 })
    assert.deepEqual([drawn.width, drawn.height], [1000, 250])
    const { data, width } = await greyPixels(drawn.jpeg)
    assert.ok(data[60 * width + 499]! < 230, 'the outline of the half-width box is at x = 500 after scaling')
    const pair = await drawOverlay(solid(400, 300, [0, 0, 0]), { shapes: [{ points: boxCorners([10, 10, 200, 60]), label: 'text' }], layout: 'side-by-side' }, { maxSide: 1280 })
    assert.deepEqual([pair.width, pair.height], [800, 300])
    const pixels = await rgbPixels(pair.jpeg)
    assert.deepEqual([pixels.width, pixels.height], [800, 300])
    assert.ok(pixels.at(300, 250).every((v) => v < 20), 'the image on the left')
    assert.ok(pixels.at(700, 250).every((v) => v > 235), 'a blank copy on the right')
    const bounded = await drawOverlay(solid(1000, 500), { shapes: [], layout: 'side-by-side' }, { maxSide: 600 })
    assert.deepEqual([bounded.width, bounded.height], [600, 150], 'both halves together within maxSide')
  })

  it('draws BGR pixels (PaddleOCR order) in their true colours, the overlay unswapped', async () => {
    const blue = solid(100, 60, [255, 0, 0], 'bgr') // B, G, R
    const drawn = await drawOverlay(blue, { shapes: [{ points: boxCorners([0, 0, 40, 59]), label: 'x' }] }, { maxSide: 1280 })
    const pixels = await rgbPixels(drawn.jpeg)
    const [r, g, b] = pixels.at(80, 40)
    assert.ok(b! > 230 && r! < 25 && g! < 25, `blue stays blue: ${[r, g, b]}`)
    const [tr, , tb] = pixels.at(20, 30) // inside the first shape: tinted with the palette's red
    assert.ok(tr! > 25 && tb! < 240, `the shape's red tint is drawn as red: ${pixels.at(20, 30)}`)
  })

  it('writes a caption at the top left, shrunk to fit a small image', async () => {
    const drawn = await drawOverlay(solid(300, 200), { shapes: [], caption: ['Weimaraner 0.999', 'vizsla 0.001'] }, { maxSide: 1280 })
    const { data, width } = await greyPixels(drawn.jpeg)
    const dark = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (data[y * width + x]! < 200) n++
      return n / ((x1 - x0) * (y1 - y0))
    }
    assert.ok(dark(0, 0, 60, 20) > 0.5, 'the caption box is at the top left')
    assert.equal(dark(150, 120, 300, 200), 0, 'the rest of the image is unchanged')
    const svg = overlaySvg(80, 40, { shapes: [], caption: ['a rather long caption line', 'two'] })
    const rect = /<rect x="0" y="0" width="(\d+)" height="(\d+)"/.exec(svg)!
    assert.ok(Number(rect[1]) <= 80 && Number(rect[2]) <= 40, `caption box ${rect[1]}×${rect[2]} within 80×40`)
  })
})
