import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resizeImage } from '../../src/vision/resize.js'
import { imageOf, pixels } from './image-fixtures.js'

describe('resizeImage bilinear (cv2.INTER_LINEAR)', () => {
  it('upsamples 2x2 to 4x4 with half-pixel centres and clamped borders', () => {
    // Columns sample x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1); rows likewise.
    const img = imageOf(2, 2, 1, [0, 64, 128, 192])
    const out = resizeImage(img, 4, 4, 'bilinear')
    assert.deepEqual(pixels(out), [0, 16, 48, 64, 32, 48, 80, 96, 96, 112, 144, 160, 128, 144, 176, 192])
  })

  it('rounds a .5 result up through the fixed-point pipeline', () => {
    // 2 -> 3 columns: the middle one sits exactly between 0 and 255. Row pass: 255 * 1024 = 261120;
    // column pass: ((2048 * (261120 >> 4)) >> 16) = 510, (510 + 2) >> 2 = 128.
    const out = resizeImage(imageOf(2, 1, 1, [0, 255]), 3, 1, 'bilinear')
    assert.deepEqual(pixels(out), [0, 128, 255])
  })

  it('halves 4x4 to 2x2 by averaging each 2x2 block, rounding half up, without antialiasing', () => {
    // Output pixel (0,0) samples x = y = 0.5: the mean of pixels 0..1 x 0..1.
    const img = imageOf(4, 4, 1, [1, 2, 0, 0, 3, 5, 0, 2, 10, 20, 7, 7, 30, 40, 7, 8])
    const out = resizeImage(img, 2, 2, 'bilinear')
    // (1+2+3+5)/4 = 2.75 -> 3; (0+0+0+2)/4 = 0.5 -> 1; 100/4 = 25; 29/4 = 7.25 -> 7
    assert.deepEqual(pixels(out), [3, 1, 25, 7])
  })

  it('keeps channels separate', () => {
    const img = imageOf(2, 1, 3, [0, 100, 200, 64, 100, 0])
    const out = resizeImage(img, 4, 1, 'bilinear')
    assert.deepEqual(pixels(out), [0, 100, 200, 16, 100, 150, 48, 100, 50, 64, 100, 0])
    assert.equal(out.order, 'rgb')
  })

  it('copies when the size does not change', () => {
    const img = imageOf(2, 1, 1, [7, 9])
    const out = resizeImage(img, 2, 1, 'bilinear')
    assert.deepEqual(pixels(out), [7, 9])
    assert.notEqual(out.data, img.data)
  })

  it('rejects a non-positive or fractional size', () => {
    const img = imageOf(2, 1, 1, [7, 9])
    assert.throws(() => resizeImage(img, 0, 1, 'bilinear'), RangeError)
    assert.throws(() => resizeImage(img, 1.5, 1, 'bilinear'), RangeError)
  })
})

describe('resizeImage nearest (cv2.INTER_NEAREST)', () => {
  it('picks floor(dx * srcWidth / dstWidth) when enlarging', () => {
    // 2 -> 5: scale 0.4, so columns 0, 0.4, 0.8, 1.2, 1.6 -> 0, 0, 0, 1, 1
    assert.deepEqual(pixels(resizeImage(imageOf(2, 1, 1, [10, 20]), 5, 1, 'nearest')), [10, 10, 10, 20, 20])
  })

  it('picks floor(dx * srcWidth / dstWidth) when shrinking, in both axes', () => {
    // 4 -> 3: columns 0, 1.33, 2.67 -> 0, 1, 2; rows 2 -> 1: row 0
    const img = imageOf(4, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8])
    assert.deepEqual(pixels(resizeImage(img, 3, 1, 'nearest')), [1, 2, 3])
  })
})

describe('resizeImage bicubic (cv2.INTER_CUBIC, a = -0.75)', () => {
  it('matches hand-computed Keys weights with replicated borders', () => {
    // 4 -> 8 columns, scale 0.5. Weights x 2048 for a fraction of 0.25 are [-216, 1800, 536, -72]
    // and for 0.75 [-72, 536, 1800, -216].
    // dx=0: x = -0.25 -> taps -2..1 clamped to [0,0,0,1]: 100 * -216 / 2048 = -10.5 -> 0
    // dx=1: x = 0.25 -> taps -1..2 -> [0,0,1,2]: (100*536 - 200*72) / 2048 = 19.1 -> 19
    // dx=2: x = 0.75 -> taps -1..2 -> [0,0,1,2]: (100*1800 - 200*216) / 2048 = 66.8 -> 67
    // dx=3: x = 1.25 -> taps 0..3: (100*1800 + 200*536 - 50*72) / 2048 = 138.5 -> 138
    const out = resizeImage(imageOf(4, 1, 1, [0, 100, 200, 50]), 8, 1, 'bicubic')
    assert.deepEqual(pixels(out).slice(0, 4), [0, 19, 67, 138])
  })

  it('reproduces an integer-aligned sample exactly', () => {
    // 2x upsampling of a constant image stays constant whatever the weights.
    const out = resizeImage(imageOf(3, 3, 1, new Array(9).fill(77)), 6, 6, 'bicubic')
    assert.ok(pixels(out).every((v) => v === 77))
  })
})

describe('resizeImage with a window (a resize and a crop fused)', () => {
  /** A deterministic 3-channel test card with detail at every scale. */
  function card(width: number, height: number) {
    const values: number[] = []
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values.push((x * 37 + y * 11) % 256, (x * y) % 251, (x ^ y) * 3 % 256)
    return imageOf(width, height, 3, values)
  }
  const cropOf = (img: ReturnType<typeof card>, x: number, y: number, w: number, h: number) => {
    const out: number[] = []
    for (let r = y; r < y + h; r++) out.push(...img.data.subarray((r * img.width + x) * 3, (r * img.width + x + w) * 3))
    return out
  }

  for (const kernel of ['bilinear', 'bicubic', 'nearest'] as const) {
    it(`gives exactly the pixels of the cropped full result (${kernel}, down and up, borders included)`, () => {
      const img = card(57, 41)
      for (const [w, h, win] of [
        [34, 25, { x: 5, y: 3, width: 24, height: 19 }],
        [34, 25, { x: 0, y: 0, width: 34, height: 1 }],
        [120, 90, { x: 60, y: 40, width: 60, height: 50 }],
      ] as const) {
        const full = resizeImage(img, w, h, kernel)
        const part = resizeImage(img, w, h, kernel, win)
        assert.equal(part.width, win.width)
        assert.equal(part.height, win.height)
        assert.deepEqual(pixels(part), cropOf(full, win.x, win.y, win.width, win.height), `${kernel} ${w}×${h} ${JSON.stringify(win)}`)
      }
    })
  }

  it('copies the window when the size is unchanged, and refuses a window outside the result', () => {
    const img = card(20, 10)
    assert.deepEqual(pixels(resizeImage(img, 20, 10, 'bilinear', { x: 2, y: 3, width: 5, height: 4 })), cropOf(img, 2, 3, 5, 4))
    assert.throws(() => resizeImage(img, 10, 5, 'bilinear', { x: 6, y: 0, width: 5, height: 5 }), RangeError)
    assert.throws(() => resizeImage(img, 10, 5, 'bilinear', { x: 0, y: 0, width: 0, height: 5 }), RangeError)
  })
})
