/**
 * The feature head: model outputs → one L2-normalised vector per image, driven by the manifest.
 * Taps are the fetches aliased `features` (one) or `features_1`, `features_2`, … (several, in
 * that order). A 2-D tap `[N, D]` is used as it is; a 4-D tap `[N, C, H, W]` is pooled by the
 * package's FeaturePool postprocess. Each tap is L2-normalised, the taps are concatenated, and
 * the result is normalised again. Everything is checked when the head is built, at load.
 */
import { ConfigError, InferenceError } from '../../engine/errors.js'
import type { TensorSpec } from '../../runtime/manifest.js'
import { readSectionIn, sectionName, type SectionEntry } from '../../runtime/manifest-sections.js'
import type { Tensor } from '../../runtime/tensor.js'
import { poolMap, pooledDim, type PoolSpec } from './feature-pool.js'
import { concatNormalized } from './l2-normalize.js'
import { FeaturePoolSection, type FeaturePoolParams } from './manifest-sections.js'

export interface FeatureTap {
  readonly alias: string
  /** The tensor's name in the graph (for messages). */
  readonly name: string
  /** C of a 4-D tap, D of a 2-D one. */
  readonly channels: number
  /** Values this tap contributes: C · bands when pooled, D otherwise. */
  readonly dim: number
  readonly pool: PoolSpec | null
}

export interface FeatureHead {
  readonly taps: readonly FeatureTap[]
  /** Length of every output vector. */
  readonly dim: number
  /** Each tap's length, in order: the segments for per-tap whitening (fitWhitening). */
  readonly segments: readonly number[]
  /** One unit vector per image of a batch of `count`, from the model's outputs by alias. */
  extract(outputs: Readonly<Record<string, Tensor>>, count: number): Float32Array[]
}

const SINGLE = 'features'
const NUMBERED = /^features_([1-9][0-9]*)$/

/** The tap fetches in order, or a ConfigError saying what a feature package must declare. */
function tapSpecs(fetches: readonly TensorSpec[], where: string): TensorSpec[] {
  const single = fetches.filter((f) => f.alias === SINGLE)
  const numbered = fetches
    .map((f) => ({ spec: f, match: NUMBERED.exec(f.alias) }))
    .filter((x) => x.match !== null)
    .map((x) => ({ spec: x.spec, index: Number(x.match![1]) }))
    .sort((a, b) => a.index - b.index)
  if (single.length > 0 && numbered.length > 0) throw new ConfigError(`${where}: use either one fetch aliased "features" or features_1, features_2, …, not both`)
  if (single.length > 0) return single
  if (numbered.length === 0) {
    throw new ConfigError(`${where}: a feature model needs a fetch aliased "features" (or features_1, features_2, … for several taps); it has ${fetches.map((f) => f.alias).join(', ')}`)
  }
  numbered.forEach(({ index }, i) => {
    if (index !== i + 1) throw new ConfigError(`${where}: feature taps must be numbered features_1 … features_${numbered.length} without gaps`)
  })
  return numbered.map((x) => x.spec)
}

function toPoolSpec(params: FeaturePoolParams): PoolSpec {
  return { type: params.type, p: params.p, bands: params.bands }
}

function resolveTap(spec: TensorSpec, pool: PoolSpec | null, where: string): FeatureTap {
  const at = `${where}: fetch ${spec.alias} (${spec.name}) [${spec.shape.join(', ')}]`
  const channels = spec.shape[1] ?? -1
  if (spec.shape.length !== 2 && spec.shape.length !== 4) throw new ConfigError(`${at}: a feature tap must be 2-D [N, D] or 4-D [N, C, H, W]`)
  if (channels < 1) throw new ConfigError(`${at}: the feature size (dimension 1) must be declared, not -1`)
  if (spec.shape.length === 2) return { alias: spec.alias, name: spec.name, channels, dim: channels, pool: null }
  if (!pool) throw new ConfigError(`${at}: a 4-D tap needs a FeaturePool postprocess (e.g. { type: gem, p: 3, bands: 4 })`)
  return { alias: spec.alias, name: spec.name, channels, dim: pooledDim(channels, pool), pool }
}

/** One tap's vector for item `item` of the batch output `tensor`. */
function tapVector(tap: FeatureTap, tensor: Tensor, item: number, count: number): Float32Array {
  const dims = tensor.dims
  if (dims[0] !== count || dims[1] !== tap.channels || dims.length !== (tap.pool ? 4 : 2)) {
    throw new InferenceError(`feature tap ${tap.alias} (${tap.name}) is [${dims.join(', ')}], expected [${count}, ${tap.channels}${tap.pool ? ', H, W' : ''}]`)
  }
  const size = tensor.data.length / count
  const values = tensor.data.subarray(item * size, (item + 1) * size)
  return tap.pool ? poolMap(values, tap.channels, dims[2]!, dims[3]!, tap.pool) : values
}

/**
 * Builds the head from a package's fetches and postprocess list (manifest entries); `where` names
 * the manifest in errors.
 */
export function createFeatureHead(fetches: readonly TensorSpec[], postprocess: readonly SectionEntry[], where: string): FeatureHead {
  const other = postprocess.map(sectionName).find((name) => name !== FeaturePoolSection.name)
  if (other !== undefined) throw new ConfigError(`${where}: a feature model's postprocess may hold only FeaturePool, not ${other}`)
  // One FeaturePool at most: it applies to every 4-D tap.
  const params = readSectionIn(postprocess, FeaturePoolSection, where)
  const pool = params ? toPoolSpec(params) : null
  const taps = tapSpecs(fetches, where).map((spec) => resolveTap(spec, pool, where))
  if (pool && taps.every((tap) => tap.pool === null)) throw new ConfigError(`${where}: FeaturePool is set but no feature tap is 4-D`)
  const segments = taps.map((tap) => tap.dim)
  return {
    taps,
    dim: segments.reduce((a, b) => a + b, 0),
    segments,
    extract(outputs, count) {
      const tensors = taps.map((tap) => {
        const tensor = outputs[tap.alias]
        if (!tensor) throw new InferenceError(`the model returned no feature tap ${tap.alias} (${tap.name})`)
        return tensor
      })
      return Array.from({ length: count }, (_, item) => concatNormalized(taps.map((tap, t) => tapVector(tap, tensors[t]!, item, count))))
    },
  }
}
