/**
 * Compiles a manifest's PaddleClas-style preprocess list (ResizeImage, CropImage,
 * NormalizeImage, ToCHWImage) into one function image → CHW tensor, checked once at load. Images
 * may arrive in either channel order: they are put in the model's order after the geometric
 * steps (on the small image, and numerically the same as swapping first), before normalising. An
 * unknown op fails to compile (typed registry), a pipeline that does not end in a normalised CHW
 * tensor, or crops larger than its resize, fails at start-up rather than per request.
 */
import { ConfigError } from '../engine/errors.js'
import type { PreprocessOp } from '../runtime/manifest.js'
import { swapChannelOrder } from './channel-order.js'
import { cropImage } from './crop.js'
import { createImage, type ChannelOrder, type Image } from './image.js'
import { normalizeToChw, type NormalizeSpec } from './normalize.js'
import { resizeImage } from './resize.js'
import { roundHalfEven } from './rounding.js'

export interface PreprocessedImage {
  readonly chw: Float32Array
  readonly width: number
  readonly height: number
}

type ImageStep = (img: Image) => Image
type OpName = PreprocessOp extends infer U ? (U extends Record<infer K, unknown> ? K : never) : never
type ParamsOf<K extends OpName> = Extract<PreprocessOp, Record<K, unknown>>[K]

type Size = number | readonly [number, number]
const widthHeight = (size: Size): [number, number] => (typeof size === 'number' ? [size, size] : [size[0], size[1]])

/** PaddleClas ResizeImage: `resize_short` keeps the ratio (Python round, half to even); `size` squashes. */
function resizeStep(params: ParamsOf<'ResizeImage'>): ImageStep {
  const { resize_short: short, size, interpolation } = params
  if (size !== undefined) {
    const [w, h] = widthHeight(size)
    return (img) => resizeImage(img, w, h, interpolation)
  }
  return (img) => {
    const percent = short! / Math.min(img.width, img.height)
    return resizeImage(img, roundHalfEven(img.width * percent), roundHalfEven(img.height * percent), interpolation)
  }
}

/** PaddleClas CropImage: centre crop, start `(W - w) // 2`. */
function cropStep(params: ParamsOf<'CropImage'>): ImageStep {
  const [w, h] = widthHeight(params.size)
  return (img) => cropImage(img, Math.floor((img.width - w) / 2), Math.floor((img.height - h) / 2), w, h)
}

/** The smallest image side each resize guarantees, to refuse crops that could not fit. */
function guaranteedSide(op: PreprocessOp): number | undefined {
  if (!('ResizeImage' in op)) return undefined
  const { resize_short: short, size } = op.ResizeImage
  return size !== undefined ? Math.min(...widthHeight(size)) : short
}

export function compilePreprocess(ops: readonly PreprocessOp[], where: string, channelOrder: ChannelOrder): (img: Image) => PreprocessedImage {
  const steps: ImageStep[] = []
  let normalization: NormalizeSpec | undefined
  let chw = false
  let side: number | undefined
  for (const [i, op] of ops.entries()) {
    const at = `${where}: preprocess[${i}]`
    if (normalization && !('ToCHWImage' in op)) throw new ConfigError(`${at}: only ToCHWImage may follow NormalizeImage`)
    if ('ResizeImage' in op) {
      steps.push(resizeStep(op.ResizeImage))
      side = guaranteedSide(op)
    } else if ('CropImage' in op) {
      const [w, h] = widthHeight(op.CropImage.size)
      if (side === undefined || Math.max(w, h) > side) {
        throw new ConfigError(`${at}: CropImage ${w}×${h} needs a ResizeImage before it that makes both sides at least that large`)
      }
      steps.push(cropStep(op.CropImage))
    } else if ('NormalizeImage' in op) {
      if (op.NormalizeImage.order !== 'hwc') throw new ConfigError(`${at}: NormalizeImage order chw is not supported (use hwc + ToCHWImage)`)
      normalization = op.NormalizeImage
    } else {
      chw = true
    }
  }
  if (!normalization || !chw) throw new ConfigError(`${where}: preprocess must end with NormalizeImage and ToCHWImage`)
  const spec = normalization
  return (input) => {
    const img = swapChannelOrder(
      steps.reduce((current, step) => step(current), input),
      channelOrder,
    )
    return { chw: normalizeToChw(img, spec), width: img.width, height: img.height }
  }
}

/**
 * compilePreprocess for a model with a fixed input size: a dry run at load proves every image
 * becomes exactly `width × height`, so items from any requests always stack into one batch.
 */
export function compileFixedSizePreprocess(
  ops: readonly PreprocessOp[],
  where: string,
  channelOrder: ChannelOrder,
  size: { readonly width: number; readonly height: number },
): (img: Image) => PreprocessedImage {
  const preprocess = compilePreprocess(ops, where, channelOrder)
  const probe = preprocess(createImage(301, 203))
  if (probe.width !== size.width || probe.height !== size.height) {
    throw new ConfigError(`${where}: preprocess produces ${probe.width}×${probe.height}, the feed "image" needs ${size.width}×${size.height}`)
  }
  return preprocess
}
