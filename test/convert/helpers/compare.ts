/** Small numeric helpers for the acceptance tests. */
import ort from 'onnxruntime-node'

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

export function topK(values: ArrayLike<number>, k: number): number[] {
  return [...Array(values.length).keys()].sort((i, j) => values[j]! - values[i]!).slice(0, k)
}

/** Deterministic pseudo-random input in [-1, 1). */
export function pseudoRandom(count: number, seed = 7): Float32Array {
  const out = new Float32Array(count)
  let state = seed
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out[i] = state / 2 ** 31 - 1
  }
  return out
}

export async function session(model: string | Uint8Array): Promise<ort.InferenceSession> {
  const options = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 as const }
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options)
}

export async function runSingle(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const out = await s.run(feeds)
  return out[s.outputNames[0]!]!
}
