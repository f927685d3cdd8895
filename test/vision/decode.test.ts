import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import sharp, { type Sharp } from 'sharp'
import { decodeImage } from '../../src/vision/decode.js'

const LIMITS = { maxPixels: 1_000_000, minSide: 4 }

/** A 3×2 RGB image: top row red, green, blue; bottom row white, black, grey. */
const PIXELS = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128])

async function png(image: Sharp): Promise<Uint8Array> {
  return new Uint8Array(await image.png().toBuffer())
}

const scaled = async (channels: 1 | 3 | 4, data: Buffer) =>
  // Scaled up 4× (nearest) so it passes the minimum side; the colours stay exact in PNG.
  sharp(data, { raw: { width: 3, height: 2, channels } }).resize(12, 8, { kernel: 'nearest' })

describe('decodeImage', () => {
  it('decodes to 8-bit interleaved RGB', async () => {
    const image = await decodeImage(await png(await scaled(3, PIXELS)), LIMITS)
    assert.deepEqual([image.width, image.height, image.channels, image.order], [12, 8, 3, 'rgb'])
    assert.deepEqual([...image.data.subarray(0, 3)], [255, 0, 0])
    assert.deepEqual([...image.data.subarray(4 * 3, 4 * 3 + 3)], [0, 255, 0])
  })

  it('returns BGR when the model wants it', async () => {
    const image = await decodeImage(await png(await scaled(3, PIXELS)), LIMITS, 'bgr')
    assert.equal(image.order, 'bgr')
    assert.deepEqual([...image.data.subarray(0, 3)], [0, 0, 255])
  })

  it('expands grey to three equal channels', async () => {
    const grey = Buffer.from([10, 20, 30, 40, 50, 60])
    const image = await decodeImage(await png(await scaled(1, grey)), LIMITS)
    assert.equal(image.channels, 3)
    assert.deepEqual([...image.data.subarray(0, 3)], [10, 10, 10])
  })

  it('drops alpha', async () => {
    const rgba = Buffer.from(Array.from({ length: 6 }, (_, i) => [i * 40, 7, 9, 128]).flat())
    const image = await decodeImage(await png(await scaled(4, rgba)), LIMITS)
    assert.equal(image.channels, 3)
    assert.equal(image.data.length, 12 * 8 * 3)
  })

  it('applies the EXIF orientation', async () => {
    // Orientation 6 = the stored pixels must be turned 90° clockwise for display.
    const stored = await (await scaled(3, PIXELS)).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer()
    const image = await decodeImage(new Uint8Array(stored), LIMITS)
    assert.deepEqual([image.width, image.height], [8, 12])
  })

  it('rejects an image over the pixel limit before decoding it', async () => {
    const big = await png(sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#000' } }))
    await assert.rejects(decodeImage(big, LIMITS), { name: 'InvalidInput', message: /1200×1000 .* limit is 1000000 pixels/ })
  })

  it('rejects images with a side under the minimum, and bytes that are not an image', async () => {
    await assert.rejects(decodeImage(await png(sharp({ create: { width: 3, height: 50, channels: 3, background: '#fff' } })), LIMITS), {
      name: 'InvalidInput',
      message: /3×50; both sides must be at least 4/,
    })
    await assert.rejects(decodeImage(new TextEncoder().encode('not an image'), LIMITS), { name: 'InvalidInput' })
    await assert.rejects(decodeImage(new Uint8Array(0), LIMITS), { name: 'InvalidInput', message: /empty/ })
  })
})
