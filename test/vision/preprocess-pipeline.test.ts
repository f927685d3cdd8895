import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PreprocessOp } from '../../src/runtime/manifest.js'
import { swapChannelOrder } from '../../src/vision/channel-order.js'
import { cropImage } from '../../src/vision/crop.js'
import { createImage } from '../../src/vision/image.js'
import { normalizeToChw } from '../../src/vision/normalize.js'
import { resizeImage } from '../../src/vision/resize.js'
import { compilePreprocess } from '../../src/vision/preprocess-pipeline.js'

const MEAN = [0.485, 0.456, 0.406] as const
const STD = [0.229, 0.224, 0.225] as const
const RESNET50_VD: PreprocessOp[] = [
  { ResizeImage: { resize_short: 256, interpolation: 'bilinear' } },
  { CropImage: { size: 224 } },
  { NormalizeImage: { scale: 1 / 255, mean: [...MEAN], std: [...STD], order: 'hwc' } },
  { ToCHWImage: null },
]

describe('PaddleClas preprocessing (ResizeImage → CropImage → NormalizeImage → ToCHWImage)', () => {
  it('matches a hand computation on a synthetic 512×600 image to 1e-5', () => {
    // Short side 512 → 256: an exact 2× shrink, where bilinear (and OpenCV's area fast path)
    // give the rounded mean of each 2×2 block. 256×300 → centre crop 224: start (16, 38).
    const W = 512
    const H = 600
    const img = createImage(W, H)
    const pixel = (x: number, y: number, c: number) => (x * 7 + y * 13 + c * 101 + ((x * y) % 17)) % 256
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) img.data[(y * W + x) * 3 + c] = pixel(x, y, c)

    const out = compilePreprocess(RESNET50_VD, 'test', 'rgb')(img)
    assert.deepEqual([out.width, out.height, out.chw.length], [224, 224, 3 * 224 * 224])
    let worst = 0
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < 224; j++) {
        for (let i = 0; i < 224; i++) {
          const sx = 2 * (16 + i)
          const sy = 2 * (38 + j)
          const sum = pixel(sx, sy, c) + pixel(sx + 1, sy, c) + pixel(sx, sy + 1, c) + pixel(sx + 1, sy + 1, c)
          const byte = Math.floor(sum / 4 + 0.5)
          const expected = (byte / 255 - MEAN[c]!) / STD[c]!
          worst = Math.max(worst, Math.abs(out.chw[c * 224 * 224 + j * 224 + i]! - expected))
        }
      }
    }
    assert.ok(worst < 1e-5, `max abs difference ${worst}`)
  })

  it('fuses the resize and the crop, and the channel swap into normalising, without changing a value', () => {
    const img = createImage(500, 375)
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 31 + (i >> 7)) % 256
    const fused = compilePreprocess(RESNET50_VD, 'test', 'bgr')(img)
    // The steps one by one: full 341×256 resize, centre crop at ((341 - 224) // 2, 16), swap, normalise.
    const resized = resizeImage(img, 341, 256, 'bilinear')
    const cropped = swapChannelOrder(cropImage(resized, 58, 16, 224, 224), 'bgr')
    const norm = { scale: 1 / 255, mean: MEAN, std: STD }
    assert.deepEqual([...fused.chw], [...normalizeToChw(cropped, norm)])
  })

  it('resize_short keeps the ratio with Python rounding: 500×375 → 341×256', () => {
    const out = compilePreprocess(
      [{ ResizeImage: { resize_short: 256, interpolation: 'bilinear' } }, { NormalizeImage: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1], order: 'hwc' } }, { ToCHWImage: null }],
      'test',
      'rgb',
    )(createImage(500, 375))
    // 500 × 256/375 = 341.33 → 341
    assert.deepEqual([out.width, out.height], [341, 256])
  })

  it('refuses at load a crop larger than the resize guarantees, and a pipeline without normalisation', () => {
    assert.throws(
      () => compilePreprocess([{ ResizeImage: { resize_short: 200, interpolation: 'bilinear' } }, { CropImage: { size: 224 } }, ...RESNET50_VD.slice(2)], 'm.yml', 'rgb'),
      /m\.yml: preprocess\[1\]: CropImage 224×224 needs a ResizeImage/,
    )
    assert.throws(() => compilePreprocess(RESNET50_VD.slice(0, 2), 'm.yml', 'rgb'), /must end with NormalizeImage and ToCHWImage/)
  })

  it('refuses at load an op that is not an image op, and bad parameters, naming index and key', () => {
    assert.throws(
      () => compilePreprocess([{ DetResizeForTest: { limit_side_len: 960 } }, ...RESNET50_VD.slice(2)], 'm.yml', 'rgb'),
      /m\.yml: preprocess\[0\]: DetResizeForTest is not an image preprocessing op \(known: ResizeImage, CropImage, NormalizeImage, ToCHWImage\)/,
    )
    assert.throws(
      () => compilePreprocess([{ ResizeImage: { resize_short: 256, size: 224 } }, ...RESNET50_VD.slice(2)], 'm.yml', 'rgb'),
      /m\.yml: preprocess\[0\]\.ResizeImage: ResizeImage needs exactly one of resize_short and size/,
    )
  })
})
