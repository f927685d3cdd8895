/**
 * The manifest is the model's contract (as Triton checks config.pbtxt): every feed and fetch must
 * be a tensor of the model with the same element type and a compatible shape. Checked once, at
 * load, so a wrong manifest fails the package instead of its first request.
 */
import type { TensorSpec } from './manifest.js'
import type { TensorInfo } from './session.js'

export interface ManifestTensors {
  readonly feeds: readonly TensorSpec[]
  readonly fetches: readonly TensorSpec[]
}

export interface ModelTensors {
  readonly inputs: readonly TensorInfo[]
  readonly outputs: readonly TensorInfo[]
}

const formatShape = (shape: readonly number[]) => `[${shape.join(', ')}]`

/**
 * Why a model shape does not satisfy a manifest shape, or undefined when it does: same rank, and
 * every axis fixed on both sides has the same size. A manifest -1 accepts any size; a manifest
 * size where the model is dynamic narrows it. An undeclared model shape accepts any.
 */
export function shapeMismatch(expected: readonly number[], actual: readonly number[] | undefined): string | undefined {
  if (actual === undefined) return undefined
  const problem = `shape expected ${formatShape(expected)}, model has ${formatShape(actual)}`
  if (expected.length !== actual.length) return `${problem} (rank ${expected.length} vs ${actual.length})`
  const axes = expected.flatMap((size, axis) => (size >= 0 && actual[axis]! >= 0 && size !== actual[axis] ? [axis] : []))
  return axes.length === 0 ? undefined : `${problem} (axis ${axes.join(', ')})`
}

function specMismatches(kind: 'feed' | 'fetch', spec: TensorSpec, declared: readonly TensorInfo[]): string[] {
  const label = `${kind} "${spec.name}" (alias ${spec.alias})`
  const actual = declared.find((info) => info.name === spec.name)
  if (!actual) {
    const side = kind === 'feed' ? 'input' : 'output'
    return [`${label} is not an ${side}; ${side}s: ${declared.map((info) => info.name).join(', ')}`]
  }
  const problems: string[] = []
  if (actual.dtype !== spec.dtype) problems.push(`element type expected ${spec.dtype}, model has ${actual.dtype}`)
  const shape = shapeMismatch(spec.shape, actual.shape)
  if (shape !== undefined) problems.push(shape)
  return problems.map((problem) => `${label}: ${problem}`)
}

/** Every way the manifest's feeds and fetches disagree with the model; empty when they agree. */
export function contractMismatches(manifest: ManifestTensors, model: ModelTensors): string[] {
  return [
    ...manifest.feeds.flatMap((spec) => specMismatches('feed', spec, model.inputs)),
    ...manifest.fetches.flatMap((spec) => specMismatches('fetch', spec, model.outputs)),
  ]
}

/**
 * The narrower of two compatible shapes, axis by axis: a fixed size on either side wins over a
 * dynamic one (-1). Assumes contractMismatches found no conflict.
 */
export function narrowShape(manifest: readonly number[], model: readonly number[] | undefined): number[] {
  return manifest.map((size, axis) => (size >= 0 ? size : (model?.[axis] ?? -1)))
}
