/**
 * Result images: the SVG overlay composited by sharp, its size bound, EXIF orientation, and that
 * Chinese text renders as glyphs (fonts-noto-cjk from the install step), not as empty
 * missing-glyph boxes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import sharp from 'sharp'
import { boxCorners, drawOverlay, overlaySvg } from '../../src/vision/draw-overlay.js'

const white = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).jpeg({ quality: 95 }).toBuffer()

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
    const svg = overlaySvg(100, 50, [{ points: boxCorners([10, 10, 60, 40]), label: 'a<b & "c"' }])
    assert.match(svg, /a&#60;b &#38; &#34;c&#34;/)
    const drawn = await drawOverlay(await white(200, 100), [{ points: boxCorners([20, 30, 120, 80]), label: '纯臻 0.998' }], { maxSide: 1280 })
    assert.equal((await sharp(drawn.jpeg).metadata()).format, 'jpeg')
    assert.deepEqual([drawn.width, drawn.height], [200, 100])
    const { data, width } = await greyPixels(drawn.jpeg)
    assert.ok(data[55 * width + 20]! < 200, 'the outline is drawn') // left edge of the box
    assert.ok(data[95 * width + 190]! > 240, 'away from the shape the image is unchanged')
  })

  it('bounds the long side, scaling the shapes with the image; side by side puts a blank copy at the right', async () => {
    const drawn = await drawOverlay(await white(4000, 1000), [{ points: boxCorners([0, 0, 2000, 500]) }], { maxSide: 1000 })
    assert.deepEqual([drawn.width, drawn.height], [1000, 250])
    const { data, width } = await greyPixels(drawn.jpeg)
    assert.ok(data[60 * width + 499]! < 230, 'the outline of the half-width box is at x = 500 after scaling')
    const pair = await drawOverlay(await white(400, 300), [{ points: boxCorners([10, 10, 200, 60]), label: 'text' }], { maxSide: 1280, layout: 'side-by-side' })
    assert.deepEqual([pair.width, pair.height], [800, 300])
  })

  it('applies EXIF orientation as decoding does, and refuses bytes that are not an image', async () => {
    const rotated = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#fff' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer()
    const drawn = await drawOverlay(rotated, [], { maxSide: 1280 })
    assert.deepEqual([drawn.width, drawn.height], [100, 300])
    await assert.rejects(drawOverlay(new Uint8Array([1, 2, 3]), [], { maxSide: 100 }), /cannot draw the result image/)
  })
})
