import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bestFirst } from '../../../src/tasks/detection/best-first.js'
import { multiclassNms, type MulticlassNmsParams, type ScoredBox } from '../../../src/tasks/detection/multiclass-nms.js'
import { boxArea, boxIou, nms, type Box } from '../../../src/tasks/detection/nms.js'
import type { Candidate } from '../../../src/tasks/detection/picodet-decode.js'

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`)

describe('IoU', () => {
  it('without +1: half-overlapping squares have IoU 1/3; touching or disjoint boxes 0', () => {
    near(boxIou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150)
    assert.equal(boxIou([0, 0, 10, 10], [10, 0, 20, 10]), 0)
    assert.equal(boxIou([0, 0, 10, 10], [30, 30, 40, 40]), 0)
    near(boxIou([0, 0, 10, 10], [0, 0, 10, 10]), 1)
  })

  it('with +1 (PaddleClas rec_nms): widths count x2 − x1 + 1, so touching boxes overlap by one pixel', () => {
    near(boxIou([0, 0, 10, 10], [5, 0, 15, 10], true), 66 / (121 + 121 - 66))
    near(boxIou([0, 0, 10, 10], [10, 0, 20, 10], true), 11 / (121 + 121 - 11))
    assert.equal(boxIou([0, 0, 10, 10], [11, 0, 20, 10], true), 0)
  })

  it('areas: degenerate boxes have none, +1 counts a point as one pixel', () => {
    assert.equal(boxArea([5, 5, 5, 5]), 0)
    assert.equal(boxArea([5, 5, 5, 5], true), 1)
    assert.equal(boxArea([5, 5, 3, 9]), 0)
    assert.equal(boxIou([5, 5, 5, 5], [5, 5, 5, 5]), 0, 'zero union')
  })
})

describe('greedy NMS', () => {
  const boxes: Box[] = [
    [0, 0, 10, 10],
    [1, 1, 11, 11], // IoU with the first: 81 / 119 ≈ 0.68
    [20, 20, 30, 30],
  ]

  it('suppresses a box overlapping a better one by more than the threshold', () => {
    assert.deepEqual(nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.6 }), [0, 2])
    assert.deepEqual(nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.7 }), [0, 1, 2])
  })

  it('visits boxes by score, returns indices best first', () => {
    assert.deepEqual(nms(boxes, [0.5, 0.8, 0.9], { iouThreshold: 0.6 }), [2, 1])
  })

  it('an IoU equal to the threshold is kept (Paddle suppresses only above it)', () => {
    const pair: Box[] = [[0, 0, 10, 10], [5, 0, 15, 10]] // IoU exactly 1/3
    assert.deepEqual(nms(pair, [0.9, 0.8], { iouThreshold: 1 / 3 }), [0, 1])
  })

  it('equal scores keep their input order; maxKept stops early', () => {
    assert.deepEqual(nms(boxes, [0.5, 0.5, 0.5], { iouThreshold: 0.9 }), [0, 1, 2])
    assert.deepEqual(nms(boxes, [0.5, 0.5, 0.5], { iouThreshold: 0.9, maxKept: 2 }), [0, 1])
  })

  it('plusOne changes the answer for boxes that only touch (rec_nms threshold 0.05)', () => {
    const touching: Box[] = [[0, 0, 9, 9], [9, 0, 18, 9]] // +1: 10 / 190 ≈ 0.053
    assert.deepEqual(nms(touching, [0.9, 0.8], { iouThreshold: 0.05 }), [0, 1])
    assert.deepEqual(nms(touching, [0.9, 0.8], { iouThreshold: 0.05, plusOne: true }), [0])
  })

  it('refuses mismatched boxes and scores', () => {
    assert.throws(() => nms(boxes, [1], { iouThreshold: 0.5 }), /3 boxes but 1 scores/)
  })
})

describe('multiclass NMS', () => {
  const candidate = (box: Box, ...scores: number[]): Candidate => ({ box, scores: new Float32Array(scores) })
  const params: MulticlassNmsParams = { scoreThreshold: 0.025, nmsThreshold: 0.6, nmsTopK: 1000, keepTopK: 100, classAgnostic: false }
  const round = (v: number) => Math.round(v * 100) / 100
  const candidates = [
    candidate([0, 0, 10, 10], 0.9, 0.2), // person 0.9, car 0.2
    candidate([1, 1, 11, 11], 0.8, 0.7), // overlaps the first
    candidate([20, 20, 30, 30], 0.025, 0.5), // person exactly at the threshold
  ]

  it('per class: NMS within each class only, scores strictly above the threshold, best first', () => {
    const out = multiclassNms(candidates, params)
    assert.deepEqual(out.map((d) => [d.classId, round(d.score)]), [[0, 0.9], [1, 0.7], [1, 0.5]])
    assert.deepEqual(out[1]!.box, [1, 1, 11, 11], 'the car keeps the second box: the first box is a weaker car')
  })

  it('class-agnostic: each candidate once with its best class, one NMS across classes', () => {
    const out = multiclassNms(candidates, { ...params, classAgnostic: true })
    assert.deepEqual(out.map((d) => [d.classId, round(d.score)]), [[0, 0.9], [1, 0.5]])
  })

  it('keepTopK caps the total over classes; nmsTopK caps each class before NMS', () => {
    assert.equal(multiclassNms(candidates, { ...params, keepTopK: 2 }).length, 2)
    const separate = [0.9, 0.8, 0.7].map((s, i) => candidate([i * 20, 0, i * 20 + 10, 10], s))
    assert.deepEqual(multiclassNms(separate, { ...params, nmsTopK: 2 }).map((d) => round(d.score)), [0.9, 0.8])
  })

  it('no candidate above the threshold gives no detection', () => {
    assert.deepEqual(multiclassNms([candidate([0, 0, 1, 1], 0.01, 0.02)], params), [])
    assert.deepEqual(multiclassNms([], { ...params, classAgnostic: true }), [])
  })
})

/** multiclass_nms3 written plainly: each class to the end, then one sort and a cut. */
function referenceMulticlassNms(candidates: readonly Candidate[], params: MulticlassNmsParams): ScoredBox[] {
  const threshold = Math.fround(params.scoreThreshold)
  const pools = new Map<number, { box: Box; score: number; classId: number }[]>()
  for (const { box, scores } of candidates) {
    const classes = params.classAgnostic ? [scores.indexOf(Math.max(...scores))] : [...scores.keys()]
    for (const c of classes) {
      if (!(scores[c]! > threshold)) continue
      const group = params.classAgnostic ? 0 : c
      pools.set(group, [...(pools.get(group) ?? []), { box, score: scores[c]!, classId: c }])
    }
  }
  const kept = [...pools.values()].flatMap((pool) => {
    const best = pool.map((e, i) => ({ ...e, i })).sort((a, b) => b.score - a.score || a.classId - b.classId || a.i - b.i).slice(0, params.nmsTopK)
    return nms(best.map((e) => e.box), best.map((e) => e.score), { iouThreshold: params.nmsThreshold }).map((k) => best[k]!)
  })
  return kept
    .sort((a, b) => b.score - a.score || a.classId - b.classId || a.i - b.i)
    .slice(0, params.keepTopK)
    .map(({ classId, score, box }) => ({ classId, score, box }))
}

describe('multiclass NMS equals the plain per-class algorithm', () => {
  /** Deterministic pseudo-random numbers in [0, 1). */
  function lcg(seed: number): () => number {
    let state = seed
    return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  }

  for (const [seed, classAgnostic, keepTopK, nmsTopK] of [
    [1, false, 100, 1000],
    [2, false, 10, 1000],
    [3, false, 100, 7],
    [4, true, 100, 1000],
    [5, true, 5, 30],
  ] as const) {
    it(`seed ${seed}: ${classAgnostic ? 'class-agnostic' : 'per class'}, keepTopK ${keepTopK}, nmsTopK ${nmsTopK}`, () => {
      const random = lcg(seed)
      const candidates = Array.from({ length: 300 }, () => {
        const x = random() * 90
        const y = random() * 90
        const box: Box = [x, y, x + 5 + random() * 20, y + 5 + random() * 20]
        // Scores on a coarse grid, so ties between classes and boxes happen.
        return { box, scores: Float32Array.from({ length: 4 }, () => Math.round(random() * 20) / 20) }
      })
      const params = { scoreThreshold: 0.1, nmsThreshold: 0.4, nmsTopK, keepTopK, classAgnostic }
      const out = multiclassNms(candidates, params)
      assert.equal(out.length, Math.min(keepTopK, referenceMulticlassNms(candidates, { ...params, keepTopK: Infinity }).length))
      assert.ok(out.length >= 5)
      assert.deepEqual(out, referenceMulticlassNms(candidates, params))
    })
  }
})

describe('best-first order', () => {
  it('takes every item in order, lazily', () => {
    const next = bestFirst([5, 1, 4, 1, 5, 9, 2, 6], (a, b) => a > b)
    const out: number[] = []
    for (let v = next(); v !== undefined; v = next()) out.push(v)
    assert.deepEqual(out, [9, 6, 5, 5, 4, 2, 1, 1])
    assert.equal(bestFirst([], () => true)(), undefined)
  })
})
