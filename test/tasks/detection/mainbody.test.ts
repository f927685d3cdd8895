import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OpHandle } from '../../../src/engine/op.js'
import { RequestContext } from '../../../src/engine/request-context.js'
import type { DetectInput } from '../../../src/tasks/detection/detect-op.js'
import { DEFAULT_MAINBODY_OPTIONS, MainbodyDetector, selectMainbody } from '../../../src/tasks/detection/mainbody.js'
import type { Detection } from '../../../src/tasks/detection/picodet-postprocess.js'
import { createImage } from '../../../src/vision/image.js'

const det = (score: number, i = 0): Detection => ({ classId: 0, label: 'foreground', score, box: [i, i, i + 10, i + 10] })
const SIZE = { width: 640, height: 480 }
const WHOLE = { classId: 0, label: 'foreground', score: 1, box: [0, 0, 640, 480] }

describe('PP-ShiTu mainbody selection', () => {
  it('keeps the 5 best by score, then the whole image last', () => {
    const out = selectMainbody([0.9, 0.1, 0.8, 0.7, 0.3, 0.25, 0.6].map(det), SIZE)
    assert.deepEqual(out.map((d) => d.score), [0.9, 0.8, 0.7, 0.6, 0.3, 1])
    assert.deepEqual(out.at(-1), WHOLE)
  })

  it('drops boxes scoring below the threshold; a score equal to it stays', () => {
    assert.deepEqual(selectMainbody([0.5, 0.2, 0.19999].map(det), SIZE).map((d) => d.score), [0.5, 0.2, 1])
    assert.deepEqual(selectMainbody([0.9, 0.8, 0.7, 0.6].map(det), SIZE, { maxDetResults: 2, threshold: 0.85, wholeImageLabel: 'foreground', ignoreLabels: [] }).map((d) => d.score), [0.9, 1])
  })

  it('with no detection the whole image is still there, as [0, 0, W, H] with score 1', () => {
    assert.deepEqual(selectMainbody([], SIZE), [WHOLE])
    assert.deepEqual(selectMainbody([0.1, 0.05].map(det), SIZE), [WHOLE])
  })

  it('drops boxes of ignored labels before the max_det_results cut; without ignoreLabels every label counts', () => {
    const labelled = (label: string, score: number, i: number): Detection => ({ classId: label === 'person' ? 0 : 39, label, score, box: [i, i, i + 10, i + 10] })
    const boxes = [labelled('person', 0.9, 0), labelled('bottle', 0.5, 1), labelled('person', 0.8, 2), labelled('bottle', 0.4, 3), labelled('bottle', 0.3, 4)]
    const options = { ...DEFAULT_MAINBODY_OPTIONS, maxDetResults: 2 }
    assert.deepEqual(selectMainbody(boxes, SIZE, { ...options, ignoreLabels: ['person'] }).map((d) => [d.label, d.score]), [['bottle', 0.5], ['bottle', 0.4], ['foreground', 1]])
    assert.deepEqual(selectMainbody(boxes, SIZE, options).map((d) => [d.label, d.score]), [['person', 0.9], ['person', 0.8], ['foreground', 1]])
    assert.deepEqual(selectMainbody(boxes, SIZE, { ...options, ignoreLabels: ['person', 'bottle'] }), [WHOLE], 'the whole image stays')
  })

  it('MainbodyDetector runs the detection op on the image and selects from its boxes', async () => {
    const seen: DetectInput[] = []
    const op: OpHandle<DetectInput, Detection[]> = {
      name: 'detect:fake',
      run: async (input) => {
        seen.push(input)
        return [0.15, 0.95, 0.4].map(det)
      },
      stats: () => ({ queued: 0, inflight: 0 }),
    }
    const ctx = new RequestContext({ deadlineMs: 1000 })
    try {
      const image = createImage(200, 100)
      const out = await new MainbodyDetector(op, { maxDetResults: 5 }).detect(image, ctx)
      assert.equal(seen[0]!.image, image)
      assert.deepEqual(out.map((d) => d.score), [0.95, 0.4, 1])
      assert.deepEqual(out.at(-1)!.box, [0, 0, 200, 100])
    } finally {
      ctx.dispose()
    }
  })
})
