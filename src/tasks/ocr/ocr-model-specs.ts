/**
 * What each OCR op needs from its model package, read once at load from the manifest's OCR
 * sections (manifest-sections.ts) and checked against the model: the det resize and DB defaults,
 * the cls input size and labels, the rec input size and dictionary. A geometry the feed
 * contradicts, a label list or dictionary that does not match the output, or a preprocess op the
 * OCR ops would not run is a ConfigError naming the manifest.
 */
import { ConfigError } from '../../engine/errors.js'
import { manifestFileOf, readSection, requireSection, sectionName, type ManifestSection } from '../../runtime/manifest-sections.js'
import { imageInputGeometry } from '../../runtime/image-geometry.js'
import type { Model } from '../../runtime/model.js'
import { normalizationOf, readPackageFile, type ModelPackage } from '../../runtime/model-package.js'
import type { NormalizeSpec } from '../../vision/normalize.js'
import { ctcCharset } from './ctc-decode.js'
import type { DbParams } from './db-postprocess.js'
import type { LimitType } from './det-resize.js'
import {
  ClsPostProcessSection,
  ClsResizeImgSection,
  CTCLabelDecodeSection,
  DBPostProcessSection,
  DetResizeForTestSection,
  RecResizeImgSection,
} from './manifest-sections.js'

/** The det package's request defaults: what `services.ocr.det` and request options override. */
export interface DetDefaults {
  readonly limitSideLen: number
  readonly limitType: LimitType
  readonly db: DbParams
}

export interface DetSpec {
  readonly normalization: NormalizeSpec
}

export interface ClsSpec {
  readonly normalization: NormalizeSpec
  readonly height: number
  /** Lines are resized to at most this width and right-padded to it. */
  readonly width: number
  /** One per model output, in output order. */
  readonly labels: readonly string[]
}

export interface RecSpec {
  readonly normalization: NormalizeSpec
  readonly height: number
  /** A batch is padded to at least this width (PaddleOCR's imgW of rec_image_shape). */
  readonly minWidth: number
  /** Widest line fed to the model; wider ones are squeezed. */
  readonly maxWidth: number
  /** CTC classes: `blank`, the dictionary, and `' '` with use_space_char. */
  readonly charset: readonly string[]
}

const IMAGE_OPS = ['NormalizeImage', 'ToCHWImage']

/** Refuses preprocess ops the OCR ops would silently skip (a ResizeImage in a rec package, say). */
function checkPreprocess(pkg: ModelPackage, resize: ManifestSection): void {
  const allowed = [resize.name, ...IMAGE_OPS]
  pkg.manifest.preprocess.forEach((entry, index) => {
    const name = sectionName(entry)
    if (!allowed.includes(name)) {
      throw new ConfigError(`${manifestFileOf(pkg)}: preprocess[${index}]: ${name} is not run by the OCR ops (they run ${allowed.join(', ')})`)
    }
  })
}

/**
 * The det package's DetResizeForTest / DBPostProcess, PaddleOCR's defaults for a section it leaves
 * out; `undefined` (the det model is not loaded) gives PaddleOCR's, so options still resolve for
 * requests that do not detect.
 */
export function detDefaultsOf(pkg: ModelPackage | undefined): DetDefaults {
  const resize = (pkg && readSection(pkg, DetResizeForTestSection)) ?? DetResizeForTestSection.schema.parse({})
  const db = (pkg && readSection(pkg, DBPostProcessSection)) ?? DBPostProcessSection.schema.parse({})
  return {
    limitSideLen: resize.limit_side_len,
    limitType: resize.limit_type,
    db: { thresh: db.thresh, boxThresh: db.box_thresh, unclipRatio: db.unclip_ratio, maxCandidates: db.max_candidates },
  }
}

export function detSpecOf(model: Model): DetSpec {
  checkPreprocess(model.pkg, DetResizeForTestSection)
  detDefaultsOf(model.pkg) // its sections are checked at load, not at the first request
  return { normalization: normalizationOf(model.pkg) }
}

/** `image_shape` [3, H, W] of `section`, checked against the feed's fixed axes (model and manifest). */
function textLineShape(model: Model, section: ManifestSection<string, { image_shape: [number, number, number] }>): { height: number; width: number } {
  const { pkg } = model
  const { image_shape: shape } = requireSection(pkg, section, `the OCR model ${pkg.name}`)
  const geometry = imageInputGeometry(model)
  const fixed = [geometry.channels, geometry.height, geometry.width]
  const axes = (['channels', 'height', 'width'] as const).filter((_, i) => fixed[i] !== undefined && fixed[i] !== shape[i])
  if (axes.length > 0) {
    const feed = [geometry.maxBatch, ...fixed].map((size) => size ?? -1)
    throw new ConfigError(
      `${manifestFileOf(pkg)}: ${section.name} image_shape [${shape.join(', ')}] does not match the feed "image" [${feed.join(', ')}] (${axes.join(', ')})`,
    )
  }
  checkPreprocess(pkg, section)
  return { height: shape[1], width: shape[2] }
}

/** The fetch's last axis when fixed: the number of classes the model outputs. */
function classCount(pkg: ModelPackage, alias: string): number | undefined {
  const last = pkg.fetch(alias).shape.at(-1) ?? -1
  return last > 0 ? last : undefined
}

export function clsSpecOf(model: Model): ClsSpec {
  const { pkg } = model
  const { height, width } = textLineShape(model, ClsResizeImgSection)
  const { label_list: labels } = requireSection(pkg, ClsPostProcessSection, `the OCR model ${pkg.name}`)
  const classes = classCount(pkg, 'probs')
  if (classes !== undefined && classes !== labels.length) {
    throw new ConfigError(`${manifestFileOf(pkg)}: ClsPostProcess has ${labels.length} labels, the fetch "probs" has ${classes} classes`)
  }
  return { normalization: normalizationOf(pkg), height, width, labels }
}

export async function recSpecOf(model: Model, maxWidth: number): Promise<RecSpec> {
  const { pkg } = model
  const { height, width } = textLineShape(model, RecResizeImgSection)
  const decode = requireSection(pkg, CTCLabelDecodeSection, `the OCR model ${pkg.name}`)
  const charset = ctcCharset(await readPackageFile(pkg, decode.character_dict), decode.use_space_char)
  const classes = classCount(pkg, 'probs')
  if (classes !== undefined && classes !== charset.length) {
    const space = decode.use_space_char ? ' + space' : ''
    throw new ConfigError(
      `${manifestFileOf(pkg)}: CTCLabelDecode gives ${charset.length} classes (blank + ${charset.length - (decode.use_space_char ? 2 : 1)} dictionary lines${space}), the fetch "probs" has ${classes}`,
    )
  }
  return { normalization: normalizationOf(pkg), height, minWidth: width, maxWidth: Math.max(maxWidth, width), charset }
}
