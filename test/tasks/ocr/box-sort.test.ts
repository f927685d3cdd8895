import assert from 'node:assert/strict'
import { it } from 'node:test'
import { sortBoxesReadingOrder } from '../../../src/tasks/ocr/box-sort.js'
import type { Quad } from '../../../src/vision/image.js'

const box = (name: string, x: number, y: number) => ({
  name,
  quad: [[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]] as Quad,
})

it('orders top to bottom, and left to right within a line whose tops differ by < 10 px', () => {
  const boxes = [box('line2-left', 10, 100), box('line1-right', 300, 12), box('line1-left', 20, 18), box('line2-right', 200, 95)]
  const names = sortBoxesReadingOrder(boxes).map((b) => b.name)
  assert.deepEqual(names, ['line1-left', 'line1-right', 'line2-left', 'line2-right'])
})

it('keeps boxes 10 px or more apart vertically in top-to-bottom order', () => {
  const names = sortBoxesReadingOrder([box('right-upper', 300, 10), box('left-lower', 10, 20)]).map((b) => b.name)
  assert.deepEqual(names, ['right-upper', 'left-lower'])
})
