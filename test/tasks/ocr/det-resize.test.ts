import assert from 'node:assert/strict'
import { it } from 'node:test'
import { detResizeShape } from '../../../src/tasks/ocr/det-resize.js'

it('limits the long side to 960 and rounds each side to a multiple of 32', () => {
  // 1920×1080 → ratio 0.5 → 960×540 → 960×544 (540/32 = 16.875 → 17)
  assert.deepEqual(detResizeShape(1920, 1080, 960, 'max'), { width: 960, height: 544 })
})

it('does not upscale small images in max mode, but still rounds to 32', () => {
  // 500×300: ratio 1 → round(15.6)=16 → 512, round(9.375)=9 → 288
  assert.deepEqual(detResizeShape(500, 300, 960, 'max'), { width: 512, height: 288 })
})

it('never goes below 32 px', () => {
  assert.deepEqual(detResizeShape(10, 5, 960, 'max'), { width: 32, height: 32 })
})

it('min mode scales the short side up to the limit', () => {
  // 200×100, limit 736 on the short side: ratio 7.36 → 1472×736
  assert.deepEqual(detResizeShape(200, 100, 736, 'min'), { width: 1472, height: 736 })
})
