/**
 * Sizes derived from a request's image are bounded before allocation: a fused resize-and-crop
 * builds tables the size of its window, whatever the (virtual) target; a text-line crop over
 * limits.max_image_pixels is refused naming the limit.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidInput } from '../../src/engine/errors.js'
import { cropTextRegion } from '../../src/tasks/ocr/text-crops.js'
import { compileFixedSizePreprocess } from '../../src/vision/preprocess-pipeline.js'
import { createImage } from '../../src/vision/image.js'
import { resizeImage } from '../../src/vision/resize.js'

const striped = (width: number, height: number) => {
  const img = createImage(width, height)
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31) % 251
  return img
}

describe('resize target sizes', () => {
  it('a 224×224 window of a 4,300,000,000-pixel-wide target allocates only the window', () => {
    // The full target's tap tables would be 8.6e9 entries: "Invalid typed array length".
    for (const kernel of ['bilinear', 'bicubic', 'nearest'] as const) {
      const out = resizeImage(striped(1000, 4), 4_300_000_000, 256, kernel, { x: 2_150_000_000, y: 16, width: 224, height: 224 })
      assert.deepEqual([out.width, out.height], [224, 224], kernel)
    }
  })

  it('a window is pixel for pixel the crop of the full resize', () => {
    const img = striped(37, 23)
    for (const kernel of ['bilinear', 'bicubic'] as const) {
      const full = resizeImage(img, 90, 61, kernel)
      const win = resizeImage(img, 90, 61, kernel, { x: 13, y: 7, width: 50, height: 40 })
      for (let y = 0; y < 40; y++) {
        const row = full.data.subarray(((y + 7) * 90 + 13) * 3, ((y + 7) * 90 + 63) * 3)
        assert.deepEqual(win.data.subarray(y * 50 * 3, (y + 1) * 50 * 3), row, `${kernel} row ${y}`)
      }
    }
  })

  it('classification resize_short 256 + crop 224 of a 10000×4 image: 224×224, fast', () => {
    const ops = [
      { ResizeImage: { resize_short: 256 } },
      { CropImage: { size: 224 } },
      { NormalizeImage: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], order: 'hwc' } },
      { ToCHWImage: null },
    ]
    const preprocess = compileFixedSizePreprocess(ops, 'test', 'rgb', { width: 224, height: 224 })
    const started = performance.now()
    const out = preprocess(striped(10000, 4)) // resized: 640000×256 = 164 M pixels, never built
    assert.deepEqual([out.width, out.height, out.chw.length], [224, 224, 3 * 224 * 224])
    assert.ok(performance.now() - started < 500, `${(performance.now() - started).toFixed(0)} ms`)
  })
})

describe('text-line crops', () => {
  it('a crop over the pixel limit is refused naming limits.max_image_pixels; one within it is made', () => {
    const img = striped(400, 300)
    const quad = [[0, 0], [399, 0], [399, 299], [0, 299]] as const
    assert.throws(
      () => cropTextRegion(img, quad as never, 100_000),
      (error) => error instanceof InvalidInput && /text-line crop would be 399×299 \(119301 pixels\), over limits.max_image_pixels \(100000 pixels\)/.test(error.message),
    )
    const crop = cropTextRegion(img, quad as never, 200_000)
    assert.deepEqual([crop.width, crop.height], [399, 299])
  })
})
