/**
 * One reading of an image feed's geometry for every task: the [N, C, H, W] shape manifest and
 * model agree on (a size fixed on either side is fixed), as the largest batch, the input size,
 * and the axes that accept any size.
 */
import { ConfigError } from '../engine/errors.js'
import type { Model } from './model.js'

export type ImageAxis = 'batch' | 'channels' | 'height' | 'width'

const AXES: readonly ImageAxis[] = ['batch', 'channels', 'height', 'width']

export interface ImageGeometry {
  /** Most images per model call; undefined when the batch axis is dynamic. */
  readonly maxBatch: number | undefined
  readonly channels: number | undefined
  /** Input size in pixels; undefined where the model takes any size. */
  readonly height: number | undefined
  readonly width: number | undefined
  /** The axes that accept any size, in NCHW order. */
  readonly dynamicAxes: readonly ImageAxis[]
}

/** The geometry of an NCHW shape in which -1 marks a dynamic axis; `where` names it in errors. */
export function geometryOfShape(shape: readonly number[], where: string): ImageGeometry {
  if (shape.length !== 4) throw new ConfigError(`${where}: an image feed must be 4-D [N, C, H, W], got [${shape.join(', ')}]`)
  const sizes = shape.map((size) => (size >= 0 ? size : undefined))
  return {
    maxBatch: sizes[0],
    channels: sizes[1],
    height: sizes[2],
    width: sizes[3],
    dynamicAxes: AXES.filter((_, axis) => sizes[axis] === undefined),
  }
}

/** The geometry of `model`'s image feed (alias `image` unless told otherwise). */
export function imageInputGeometry(model: Model, alias = 'image'): ImageGeometry {
  const spec = model.pkg.feed(alias)
  return geometryOfShape(model.feedShape(alias), `model ${model.name} (${model.pkg.dir}/manifest.yml): feed "${spec.name}" (alias ${alias})`)
}

/** The input size of a feed that takes 3-channel images of one fixed size (classifiers, detectors, extractors). */
export function fixedImageSize(geometry: ImageGeometry, where: string): { width: number; height: number } {
  const { maxBatch, channels, height, width } = geometry
  if (channels !== 3 || height === undefined || width === undefined) {
    const shape = [maxBatch, channels, height, width].map((size) => size ?? -1)
    throw new ConfigError(`${where}: the feed must be [N, 3, H, W] with a fixed H and W, got [${shape.join(', ')}]`)
  }
  return { width, height }
}
