/**
 * Compiles a manifest's PaddleClas-style preprocess list (ResizeImage, CropImage,
 * NormalizeImage, ToCHWImage) into one function image → CHW tensor, checked once at load. Images
 * may arrive in either channel order: they are put in the model's order after the geometric
 * steps (on the small image, and numerically the same as swapping first), before normalising.
 * Each op compiles through a table typed by the runtime's list of image ops (a name without a
 * compiler fails to compile); a name that is not an image op, a pipeline that does not end in a
 * normalised CHW tensor, or a crop larger than its resize, fails at start-up, not per request.
 */
import { ConfigError } from '../engine/errors.js'
import { IMAGE_SECTION_NAMES, IMAGE_SECTION_TABLE, isImageSectionName, type ImageOpParams, type ImageSectionName } from '../runtime/image-sections.js'
import { parseSectionValue, sectionName, type SectionEntry } from '../runtime/manifest-sections.js'
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
/** A resize that can compute just a centred crop of its result (ResizeImage then CropImage, fused). */
type ResizeStep = (img: Image, crop?: readonly [number, number]) => Image

type Size = number | readonly [number, number]
const widthHeight = (size: Size): [number, number] => (typeof size === 'number' ? [size, size] : [size[0], size[1]])

/** What the ops compiled so far have built. */
interface Pipeline {
  readonly steps: ImageStep[]
  normalization?: NormalizeSpec
  chw: boolean
  /** The smallest image side the last resize guarantees, to refuse crops that could not fit. */
  side?: number
  /** The resize that is the last step so far, which a crop right after it fuses with. */
  lastResize?: ResizeStep
}

type Compile<K extends ImageSectionName> = (params: ImageOpParams[K], pipeline: Pipeline, at: string) => void

/** PaddleClas CropImage's window: centred, start `(W - w) // 2`. */
function centreWindow(width: number, height: number, [w, h]: readonly [number, number]) {
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h }
}

/** PaddleClas ResizeImage: `resize_short` keeps the ratio (Python round, half to even); `size` squashes. */
function resizeStep(params: ImageOpParams['ResizeImage']): ResizeStep {
  const { resize_short: short, size, interpolation } = params
  const target = (img: Image): [number, number] => {
    if (size !== undefined) return widthHeight(size)
    const percent = short! / Math.min(img.width, img.height)
    return [roundHalfEven(img.width * percent), roundHalfEven(img.height * percent)]
  }
  return (img, crop) => {
    const [w, h] = target(img)
    return resizeImage(img, w, h, interpolation, crop && centreWindow(w, h, crop))
  }
}

const COMPILE: { readonly [K in ImageSectionName]: Compile<K> } = {
  ResizeImage(params, pipeline) {
    const resize = resizeStep(params)
    pipeline.steps.push((img) => resize(img))
    pipeline.lastResize = resize
    pipeline.side = params.size !== undefined ? Math.min(...widthHeight(params.size)) : params.resize_short
  },
  /** PaddleClas CropImage: centre crop, start `(W - w) // 2`. */
  CropImage(params, pipeline, at) {
    const size = widthHeight(params.size)
    const [w, h] = size
    if (pipeline.side === undefined || Math.max(w, h) > pipeline.side) {
      throw new ConfigError(`${at}: CropImage ${w}×${h} needs a ResizeImage before it that makes both sides at least that large`)
    }
    const resize = pipeline.lastResize
    // Right after a resize, only the cropped pixels are resized (the same pixels, less work).
    if (resize) pipeline.steps[pipeline.steps.length - 1] = (img) => resize(img, size)
    else pipeline.steps.push((img) => cropImage(img, Math.floor((img.width - w) / 2), Math.floor((img.height - h) / 2), w, h))
    pipeline.lastResize = undefined
  },
  NormalizeImage(params, pipeline, at) {
    if (params.order !== 'hwc') throw new ConfigError(`${at}: NormalizeImage order chw is not supported (use hwc + ToCHWImage)`)
    pipeline.normalization = params
  },
  ToCHWImage(_params, pipeline) {
    pipeline.chw = true
  },
}

function compileOp<K extends ImageSectionName>(name: K, value: unknown, pipeline: Pipeline, at: string): void {
  const compile: Compile<K> = COMPILE[name]
  compile(parseSectionValue(IMAGE_SECTION_TABLE[name], value, at), pipeline, at)
}

/**
 * `ops` are manifest entries (`{ ResizeImage: {...} }`), checked here against the image ops'
 * schemas; `where` names the manifest in errors.
 */
export function compilePreprocess(ops: readonly SectionEntry[], where: string, channelOrder: ChannelOrder): (img: Image) => PreprocessedImage {
  const pipeline: Pipeline = { steps: [], chw: false }
  for (const [i, op] of ops.entries()) {
    const at = `${where}: preprocess[${i}]`
    const name = sectionName(op)
    if (!isImageSectionName(name)) throw new ConfigError(`${at}: ${name} is not an image preprocessing op (known: ${IMAGE_SECTION_NAMES.join(', ')})`)
    if (pipeline.normalization && name !== 'ToCHWImage') throw new ConfigError(`${at}: only ToCHWImage may follow NormalizeImage`)
    compileOp(name, op[name], pipeline, at)
  }
  const { steps, normalization, chw } = pipeline
  if (!normalization || !chw) throw new ConfigError(`${where}: preprocess must end with NormalizeImage and ToCHWImage`)
  return (input) => {
    const img = steps.reduce((current, step) => step(current), input)
    return { chw: normalizeToChw(img, normalization, undefined, channelOrder), width: img.width, height: img.height }
  }
}

/**
 * compilePreprocess for a model with a fixed input size: a dry run at load proves every image
 * becomes exactly `width × height`, so items from any requests always stack into one batch.
 */
export function compileFixedSizePreprocess(
  ops: readonly SectionEntry[],
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
