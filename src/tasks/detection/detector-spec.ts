/**
 * Reads what a detection op needs from a PicoDet model package, once, at load: the preprocess
 * pipeline (proved by a dry run to produce the feed's fixed size), the PicoDetDecode settings,
 * the labels, and the head fetches `scores_s{stride}` / `boxes_s{stride}` for every stride.
 * Anything missing or inconsistent is a ConfigError naming the manifest.
 */
import { ConfigError } from '../../engine/errors.js'
import { readSection, requireSection } from '../../runtime/manifest-sections.js'
import { fixedImageSize, geometryOfShape } from '../../runtime/image-geometry.js'
import { MANIFEST_FILE, readPackageFile, type ModelPackage } from '../../runtime/model-package.js'
import type { Image } from '../../vision/image.js'
import { compileFixedSizePreprocess, type PreprocessedImage } from '../../vision/preprocess-pipeline.js'
import { parseLabelList } from './label-list.js'
import { MainbodySection, PicoDetDecodeSection, type PicoDetDecodeParams } from './manifest-sections.js'
import { boxesAlias, scoresAlias } from './picodet-heads.js'
import type { InputSize } from './picodet-decode.js'
import type { PicoDetParams } from './picodet-postprocess.js'

export interface DetectorSpec {
  readonly preprocess: (img: Image) => PreprocessedImage
  /** The model's fixed input size. */
  readonly input: InputSize
  /** Most images per model call: the feed's batch dimension, Infinity when it is dynamic (-1). */
  readonly maxBatch: number
  readonly params: PicoDetParams
  /** Class names by class id. */
  readonly labels: readonly string[]
  /** The Mainbody section's classes the mainbody selection drops (empty without one). */
  readonly mainbodyIgnoreLabels: readonly string[]
}

export function picoDetParams(decode: PicoDetDecodeParams): PicoDetParams {
  return {
    strides: decode.strides,
    regMax: decode.reg_max,
    scoreThreshold: decode.score_threshold,
    nmsThreshold: decode.nms_threshold,
    nmsTopK: decode.nms_top_k,
    keepTopK: decode.keep_top_k,
    classAgnostic: decode.class_agnostic,
  }
}

async function labelsOf(pkg: ModelPackage, decode: PicoDetDecodeParams): Promise<string[]> {
  if (decode.labels) return decode.labels
  const key = decode.label_list_file!
  return parseLabelList(await readPackageFile(pkg, key), pkg.files[key] ?? key)
}

/** The input size from the feed `image` `[N, 3, H, W]`, which must be fixed. */
function inputOf(pkg: ModelPackage, where: string): { input: InputSize; maxBatch: number } {
  const at = `${where}: feed "image"`
  const geometry = geometryOfShape(pkg.feed('image').shape, at)
  return { input: fixedImageSize(geometry, at), maxBatch: geometry.maxBatch ?? Infinity }
}

/** Every head fetch exists, and its declared last dimension (when fixed) fits the labels and bins. */
function checkHeads(pkg: ModelPackage, params: PicoDetParams, labels: readonly string[], where: string): void {
  for (const stride of params.strides) {
    const classes = pkg.fetch(scoresAlias(stride)).shape.at(-1) ?? -1
    if (classes > 0 && classes !== labels.length) {
      throw new ConfigError(`${where}: fetch ${scoresAlias(stride)} has ${classes} classes but ${labels.length} labels are given`)
    }
    const sides = pkg.fetch(boxesAlias(stride)).shape.at(-1) ?? -1
    if (sides > 0 && sides !== 4 * (params.regMax + 1)) {
      throw new ConfigError(`${where}: fetch ${boxesAlias(stride)} ends in ${sides}, reg_max ${params.regMax} needs 4 × ${params.regMax + 1} = ${4 * (params.regMax + 1)}`)
    }
  }
}

/** The Mainbody section's ignore_labels, each of which must be one of the labels (a typo would silently ignore nothing). */
function mainbodyIgnoreOf(pkg: ModelPackage, labels: readonly string[], where: string): string[] {
  const ignore = readSection(pkg, MainbodySection)?.ignore_labels ?? []
  const unknown = ignore.filter((label) => !labels.includes(label))
  if (unknown.length > 0) throw new ConfigError(`${where}: Mainbody.ignore_labels: not among the detector's labels: ${unknown.join(', ')}`)
  return ignore
}

export async function loadDetectorSpec(pkg: ModelPackage): Promise<DetectorSpec> {
  const where = `${pkg.dir}/${MANIFEST_FILE}`
  const decode = requireSection(pkg, PicoDetDecodeSection, 'a detector')
  const params = picoDetParams(decode)
  const labels = await labelsOf(pkg, decode)
  const { input, maxBatch } = inputOf(pkg, where)
  checkHeads(pkg, params, labels, where)
  const mainbodyIgnoreLabels = mainbodyIgnoreOf(pkg, labels, where)
  const preprocess = compileFixedSizePreprocess(pkg.manifest.preprocess, where, pkg.manifest.channel_order, input)
  return { preprocess, input, maxBatch, params, labels, mainbodyIgnoreLabels }
}
