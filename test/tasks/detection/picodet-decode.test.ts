import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InferenceError } from '../../../src/engine/errors.js'
import { decodeLevel, decodeLevels, expectedBin, levelSize } from '../../../src/tasks/detection/picodet-decode.js'
import { picoDetPostprocess, scaleBox, type PicoDetParams } from '../../../src/tasks/detection/picodet-postprocess.js'
import { bins, level, REG_MAX, type CellSpec } from './head-fixtures.js'

const close = (actual: readonly number[], expected: readonly number[], tolerance = 1e-4) =>
  assert.ok(
    actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance),
    `[${actual.join(', ')}] ≉ [${expected.join(', ')}]`,
  )

/** All four distances 0: the box is the cell centre. */
const ZERO_SIDES: CellSpec['sides'] = [bins({ 0: 1 }), bins({ 0: 1 }), bins({ 0: 1 }), bins({ 0: 1 })]

const DECODE = { regMax: REG_MAX, scoreThreshold: 0.025, nmsTopK: 1000 }
const INPUT = { width: 32, height: 32 }

/**
 * Stride 8 on a 32×32 input: a 4×4 grid. The hot cell is row 1, column 2 (index 6), centre
 * (20, 12). Left: bins 1 and 2 at 1/2 each → 1.5 × 8 = 12 → x1 8. Top: bin 0 → 0 → y1 12.
 * Right: uniform → 3.5 × 8 = 28 → x2 48, clipped to 32. Bottom: bins 0 and 2 at 1/4, 3/4 →
 * 1.5 × 8 = 12 → y2 24.
 */
const HOT = { cell: 6, scores: [0.3, 0.9], sides: [bins({ 1: 0.5, 2: 0.5 }), bins({ 0: 1 }), bins({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 }), bins({ 0: 0.25, 2: 0.75 })] } as const
const HOT_BOX = [8, 12, 32, 24]

describe('PicoDet head decoding', () => {
  it('the GFL integral is the expected bin of the softmax', () => {
    assert.equal(expectedBin(new Float32Array(bins({ 3: 1 })), 0, 8), 3)
    assert.ok(Math.abs(expectedBin(new Float32Array(bins({ 0: 0.25, 2: 0.75 })), 0, 8) - 1.5) < 1e-6)
    assert.equal(expectedBin(new Float32Array(8), 0, 8), 3.5)
    // Large logits stay finite (the max is subtracted first).
    assert.ok(Math.abs(expectedBin(new Float32Array([1000, 1000, 0, 0, 0, 0, 0, 0]), 0, 8) - 0.5) < 1e-9)
  })

  it('a single hot cell decodes to the exact box: centre ± distances × stride, clipped to the input', () => {
    const candidates = decodeLevel(level(8, 4, 4, 2, [HOT]), DECODE, INPUT)
    assert.equal(candidates.length, 1, 'cells scoring 0.01 are below the threshold')
    close(candidates[0]!.box, HOT_BOX)
    assert.deepEqual([...candidates[0]!.scores].map((s) => Math.round(s * 10) / 10), [0.3, 0.9])
  })

  it('cells are row-major and centred at (c + 0.5, r + 0.5) × stride', () => {
    const [last] = decodeLevel(level(16, 2, 2, 1, [{ cell: 3, scores: [0.5], sides: ZERO_SIDES }]), DECODE, INPUT)
    close(last!.box, [24, 24, 24, 24])
    const [first] = decodeLevel(level(16, 2, 2, 1, [{ cell: 1, scores: [0.5], sides: ZERO_SIDES }]), DECODE, INPUT)
    close(first!.box, [24, 8, 24, 8])
  })

  it('levels round their grid up (416 / 64 → 7 × 7 cells, as PicoDet-XS-416 has 49)', () => {
    assert.deepEqual(levelSize({ width: 416, height: 416 }, 64), { rows: 7, cols: 7 })
    assert.deepEqual(levelSize({ width: 416, height: 416 }, 8), { rows: 52, cols: 52 })
    assert.deepEqual(levelSize({ width: 640, height: 320 }, 32), { rows: 10, cols: 20 })
  })

  it('keeps only the nmsTopK best cells of a level', () => {
    const cells = [0.3, 0.9, 0.5, 0.7].map((score, cell) => ({ cell, scores: [score], sides: ZERO_SIDES }))
    const kept = decodeLevel(level(16, 2, 2, 1, cells), { ...DECODE, nmsTopK: 2 }, INPUT)
    assert.deepEqual(kept.map((c) => Math.round(c.scores[0]! * 10) / 10), [0.9, 0.7])
  })

  it('refuses tensors that do not fit the grid, naming the stride', () => {
    const bad = { ...level(8, 4, 4, 2), boxes: new Float32Array(10) }
    assert.throws(() => decodeLevel(bad, DECODE, INPUT), (error: Error) => error instanceof InferenceError && /stride 8: 10 box values, expected 4×4 cells/.test(error.message))
    assert.throws(() => decodeLevel({ ...level(8, 4, 4, 2), scores: new Float32Array(17) }, DECODE, INPUT), /17 scores do not divide into 4×4 cells/)
    assert.throws(() => decodeLevels([level(8, 4, 4, 2), level(16, 2, 2, 3)], DECODE, INPUT), /stride 16 has 3 classes, earlier levels 2/)
  })
})

describe('PicoDet post-processing', () => {
  const params: PicoDetParams = { strides: [8, 16], ...DECODE, nmsThreshold: 0.6, keepTopK: 100, classAgnostic: false }
  const levels = [level(8, 4, 4, 2, [HOT]), level(16, 2, 2, 2)]

  it('per class: one detection per class of the hot cell, boxes scaled x and y separately to the original', () => {
    const out = picoDetPostprocess(levels, params, INPUT, { width: 64, height: 48 }, ['cat', 'dog'])
    assert.deepEqual(out.map((d) => [d.classId, d.label, Math.round(d.score * 10) / 10]), [[1, 'dog', 0.9], [0, 'cat', 0.3]])
    for (const d of out) close(d.box, [16, 18, 64, 36])
  })

  it('class-agnostic: the hot cell once, with its best class', () => {
    const out = picoDetPostprocess(levels, { ...params, classAgnostic: true }, INPUT, INPUT, ['cat', 'dog'])
    assert.equal(out.length, 1)
    assert.equal(out[0]!.label, 'dog')
    close(out[0]!.box, HOT_BOX)
  })

  it('scaleBox maps model-input pixels to original pixels', () => {
    assert.deepEqual(scaleBox([10, 20, 30, 40], { width: 100, height: 100 }, { width: 200, height: 50 }), [20, 10, 60, 20])
  })

  it('a class the label list does not name is labelled by its id', () => {
    const out = picoDetPostprocess(levels, params, INPUT, INPUT, ['cat'])
    assert.equal(out[0]!.label, '1')
  })
})
