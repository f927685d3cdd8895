/**
 * Random parameters for graph-only models (`--random-weights`): each tensor is shaped from its
 * variable's declaration and filled from a PRNG seeded by the name, so runs are reproducible
 * and only the parameters a conversion touches are generated. Values keep activations finite:
 * weights (rank ≥ 2) are uniform with variance 1/fan-in, vectors (biases, norm statistics,
 * scalars) lie in [0.5, 1.5] so variances stay positive.
 */
import { ConversionError } from '../errors.js'
import { PaddleDType, dtypeInfo } from './dtype.js'
import type { ParamSource } from './param-source.js'
import { elementCount } from './tensor-stream.js'
import { seededRandom as createRandom } from '../../util/seeded-random.js'

function hashName(name: string, seed: number): number {
  let hash = 2166136261 ^ seed
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619)
  return hash >>> 0
}

export function randomParams(seed = 1): ParamSource {
  return {
    description: `random weights (seed ${seed})`,
    get(variable) {
      const dims = variable.dims ?? []
      if (dims.some((d) => d < 0)) throw new ConversionError(`--random-weights: parameter ${variable.name} has dynamic dims ${JSON.stringify(dims)}`)
      const dtype = variable.dtype ?? PaddleDType.FP32
      const count = elementCount(dims)
      if (dtype !== PaddleDType.FP32) {
        return { dtype, dims, data: new Uint8Array(count * dtypeInfo(dtype).bytes) }
      }
      const next = createRandom(hashName(variable.name, seed))
      const values = new Float32Array(count)
      if (dims.length >= 2) {
        // Paddle stores linear weights [in, out] and conv filters [out, in, kh, kw].
        const fanIn = (dims.length === 2 ? dims[0]! : elementCount(dims.slice(1))) || 1
        const bound = Math.sqrt(3 / fanIn)
        for (let i = 0; i < count; i++) values[i] = (next() * 2 - 1) * bound
      } else {
        for (let i = 0; i < count; i++) values[i] = 0.5 + next()
      }
      return { dtype, dims, data: new Uint8Array(values.buffer) }
    },
  }
}
