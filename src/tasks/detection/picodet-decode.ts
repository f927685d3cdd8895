/**
 * GFL / PicoDet head decoding (PaddleDetection PicoHead and PicoHeadV2 without their export
 * post-processing): every cell of every pyramid level predicts per-class sigmoid scores and, for
 * each side, a distribution over `regMax + 1` distance bins. The box is the cell centre minus /
 * plus the expected distances, in model-input pixels, clipped to the input.
 */
import { InferenceError } from '../../engine/errors.js'
import type { Box } from './nms.js'

/** One pyramid level of one image's head outputs. */
export interface HeadLevel {
  readonly stride: number
  /** `[H·W, C]` row-major, cells in row-major (row, column) order: sigmoid class scores. */
  readonly scores: Float32Array
  /** `[H·W, 4·(regMax+1)]`: per cell the bin logits of the left, top, right and bottom distances. */
  readonly boxes: Float32Array
}

export interface DecodeParams {
  /** Largest distance bin (PicoDet: 7, so 8 bins per side). */
  readonly regMax: number
  /** Cells whose best class score is not above this cannot produce a detection and are skipped. */
  readonly scoreThreshold: number
  /** Per level, only the this many best cells (by best class score) are decoded (Paddle's nms_pre). */
  readonly nmsTopK: number
}

export interface InputSize {
  readonly width: number
  readonly height: number
}

/** A decoded cell: its box in model-input pixels and its class scores (a view into the head). */
export interface Candidate {
  readonly box: Box
  readonly scores: Float32Array
}

/** Cells per side of a level: PicoDet pads odd sizes up (416 / 64 → 7). */
export function levelSize(input: InputSize, stride: number): { rows: number; cols: number } {
  return { rows: Math.ceil(input.height / stride), cols: Math.ceil(input.width / stride) }
}

/** Expected value of a softmax distribution over bins 0..n-1 (the GFL integral). */
export function expectedBin(logits: Float32Array, start: number, bins: number): number {
  let max = -Infinity
  for (let i = 0; i < bins; i++) max = Math.max(max, logits[start + i]!)
  let sum = 0
  let weighted = 0
  for (let i = 0; i < bins; i++) {
    const p = Math.exp(logits[start + i]! - max)
    sum += p
    weighted += i * p
  }
  return weighted / sum
}

/** Cells worth decoding: best class score above the threshold; if more than `nmsTopK`, the best ones. */
function selectCells(scores: Float32Array, cells: number, classes: number, params: DecodeParams): number[] {
  const best = new Float32Array(cells)
  const threshold = Math.fround(params.scoreThreshold)
  const selected: number[] = []
  for (let cell = 0; cell < cells; cell++) {
    let max = -Infinity
    const row = cell * classes
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[row + c]!)
    best[cell] = max
    if (max > threshold) selected.push(cell)
  }
  if (selected.length <= params.nmsTopK) return selected
  selected.sort((a, b) => best[b]! - best[a]! || a - b)
  return selected.slice(0, params.nmsTopK)
}

/** Decodes one level; throws InferenceError when the tensors do not fit the level's grid. */
export function decodeLevel(level: HeadLevel, params: DecodeParams, input: InputSize): Candidate[] {
  const { stride } = level
  const { rows, cols } = levelSize(input, stride)
  const cells = rows * cols
  const bins = params.regMax + 1
  const classes = level.scores.length / cells
  if (!Number.isInteger(classes) || classes < 1) {
    throw new InferenceError(`stride ${stride}: ${level.scores.length} scores do not divide into ${rows}×${cols} cells of a ${input.width}×${input.height} input`)
  }
  if (level.boxes.length !== cells * 4 * bins) {
    throw new InferenceError(`stride ${stride}: ${level.boxes.length} box values, expected ${rows}×${cols} cells × 4 sides × ${bins} bins = ${cells * 4 * bins}`)
  }
  const candidates: Candidate[] = []
  for (const cell of selectCells(level.scores, cells, classes, params)) {
    const cx = ((cell % cols) + 0.5) * stride
    const cy = (Math.floor(cell / cols) + 0.5) * stride
    const at = cell * 4 * bins
    const left = expectedBin(level.boxes, at, bins) * stride
    const top = expectedBin(level.boxes, at + bins, bins) * stride
    const right = expectedBin(level.boxes, at + 2 * bins, bins) * stride
    const bottom = expectedBin(level.boxes, at + 3 * bins, bins) * stride
    const box: Box = [
      clamp(cx - left, input.width),
      clamp(cy - top, input.height),
      clamp(cx + right, input.width),
      clamp(cy + bottom, input.height),
    ]
    candidates.push({ box, scores: level.scores.subarray(cell * classes, (cell + 1) * classes) })
  }
  return candidates
}

/** Decodes every level, in level order. All levels must have the same number of classes. */
export function decodeLevels(levels: readonly HeadLevel[], params: DecodeParams, input: InputSize): Candidate[] {
  const all: Candidate[] = []
  let classes: number | undefined
  for (const level of levels) {
    const candidates = decodeLevel(level, params, input)
    const { rows, cols } = levelSize(input, level.stride)
    const levelClasses = level.scores.length / (rows * cols)
    if (classes !== undefined && levelClasses !== classes) {
      throw new InferenceError(`stride ${level.stride} has ${levelClasses} classes, earlier levels ${classes}`)
    }
    classes = levelClasses
    for (const candidate of candidates) all.push(candidate)
  }
  return all
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max)
}
