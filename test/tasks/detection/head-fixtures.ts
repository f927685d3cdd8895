/** Hand-built PicoDet head levels for golden tests: every cell silent except the ones set. */
import type { HeadLevel } from '../../../src/tasks/detection/picodet-decode.js'

export const REG_MAX = 7
const BINS = REG_MAX + 1

/** Bin logits whose softmax puts weights `p` (summing to 1) on the given bins and 0 elsewhere. */
export function bins(weights: Readonly<Record<number, number>>): number[] {
  return Array.from({ length: BINS }, (_, i) => (weights[i] ? Math.log(weights[i]) : -Infinity))
}

export interface CellSpec {
  readonly cell: number
  readonly scores: readonly number[]
  /** Left, top, right, bottom bin logits. */
  readonly sides: readonly [number[], number[], number[], number[]]
}

/** A `rows × cols` level with `classes` classes: scores 0.01 and uniform bins, except `cells`. */
export function level(stride: number, rows: number, cols: number, classes: number, cells: readonly CellSpec[] = []): HeadLevel {
  const scores = new Float32Array(rows * cols * classes).fill(0.01)
  const boxes = new Float32Array(rows * cols * 4 * BINS)
  for (const { cell, scores: s, sides } of cells) {
    scores.set(s, cell * classes)
    sides.forEach((logits, side) => boxes.set(logits, (cell * 4 + side) * BINS))
  }
  return { stride, scores, boxes }
}
