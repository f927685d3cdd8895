/**
 * The fetch alias convention of PicoDet packages: per head level of stride s, `scores_s{s}`
 * (`[N, H·W, C]` or `[N, H, W, C]`) and `boxes_s{s}` (`[N, H·W, 32]` or `[N, H, W, 32]`). Both
 * layouts are the same memory, so only the batch dimension and element counts matter here.
 */
import { InferenceError } from '../../engine/errors.js'
import { splitBatch, type Tensor } from '../../runtime/tensor.js'
import type { HeadLevel } from './picodet-decode.js'

export const scoresAlias = (stride: number): string => `scores_s${stride}`
export const boxesAlias = (stride: number): string => `boxes_s${stride}`

/** The fetch aliases a package with these strides must declare, scores first. */
export function headAliases(strides: readonly number[]): string[] {
  return [...strides.map(scoresAlias), ...strides.map(boxesAlias)]
}

function batchOf(outputs: Readonly<Record<string, Tensor>>, alias: string, items: number): Float32Array[] {
  const tensor = outputs[alias]
  if (!tensor) throw new InferenceError(`the detector returned no "${alias}" output`)
  if (tensor.dims[0] !== items) {
    throw new InferenceError(`"${alias}" has shape [${tensor.dims.join(',')}]: its batch dimension should be ${items}`)
  }
  return splitBatch(tensor)
}

/** Per image of the batch, its head levels in stride order. */
export function splitHeads(outputs: Readonly<Record<string, Tensor>>, strides: readonly number[], items: number): HeadLevel[][] {
  const perLevel = strides.map((stride) => ({
    stride,
    scores: batchOf(outputs, scoresAlias(stride), items),
    boxes: batchOf(outputs, boxesAlias(stride), items),
  }))
  return Array.from({ length: items }, (_, i) => perLevel.map(({ stride, scores, boxes }) => ({ stride, scores: scores[i]!, boxes: boxes[i]! })))
}
