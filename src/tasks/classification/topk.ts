/** PaddleClas Topk: the k highest-scoring classes of one score row, best first. */
export interface TopkResult {
  readonly classIds: number[]
  readonly scores: number[]
}

/** Numerically stable softmax, for models whose graph ends at the logits. */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity
  for (const v of logits) if (v > max) max = v
  const out = new Float32Array(logits.length)
  let sum = 0
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max)
    sum += out[i]!
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum
  return out
}

/** Ties keep the lower class id first, so results are deterministic. */
export function topk(scores: Float32Array, k: number): TopkResult {
  const order = Array.from({ length: scores.length }, (_, i) => i)
  order.sort((a, b) => scores[b]! - scores[a]! || a - b)
  const classIds = order.slice(0, Math.min(k, scores.length))
  return { classIds, scores: classIds.map((id) => scores[id]!) }
}
