/**
 * The generic image preprocessing ops of a manifest, in PaddleClas's YAML form
 * (`- ResizeImage: {resize_short: 256}`): the runtime's own manifest sections. The name list types
 * the table, so a name without a schema (or a schema without a name) fails to compile; what each
 * op does is src/vision/preprocess-pipeline.ts, typed by the same list.
 */
import { z } from 'zod'
import type { ManifestSection } from './manifest-sections.js'

export const IMAGE_SECTION_NAMES = ['ResizeImage', 'CropImage', 'NormalizeImage', 'ToCHWImage'] as const
export type ImageSectionName = (typeof IMAGE_SECTION_NAMES)[number]

/** PaddleClas writes scales as `1.0/255.0` (and evals them); we accept a number or a plain fraction. */
const ScaleSchema = z.union([
  z.number().positive(),
  z
    .string()
    .regex(/^\s*\d+(\.\d*)?\s*\/\s*\d+(\.\d*)?\s*$/, 'scale must be a number or a fraction like 1.0/255.0')
    .transform((text) => {
      const [numerator, denominator] = text.split('/').map(Number) as [number, number]
      return numerator / denominator
    }),
])
const Vec3Schema = z.tuple([z.number(), z.number(), z.number()])
const InterpolationSchema = z.enum(['bilinear', 'nearest', 'bicubic']).default('bilinear')
const SizeSchema = z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])])

/**
 * PaddleClas ResizeImage: `resize_short` scales the short side to it keeping the ratio (new side
 * `round(side * resize_short / short)`), `size` resizes to exactly `[w, h]` (or `n × n`).
 */
const ResizeImageSchema = z
  .strictObject({
    resize_short: z.number().int().positive().optional(),
    size: SizeSchema.optional(),
    interpolation: InterpolationSchema,
  })
  .refine((r) => (r.resize_short === undefined) !== (r.size === undefined), 'ResizeImage needs exactly one of resize_short and size')

/** PaddleClas CropImage: centre crop to `size` (`[w, h]` or `n × n`), start `(W - w) // 2`. */
const CropImageSchema = z.strictObject({ size: SizeSchema })

/** `value = (pixel * scale - mean[c]) / std[c]`, per channel in the package's channel order. */
const NormalizeImageSchema = z.strictObject({
  scale: ScaleSchema,
  mean: Vec3Schema,
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  order: z.enum(['hwc', 'chw']).default('hwc'),
})

/** HWC → CHW; no parameters (`- ToCHWImage:`). */
const ToCHWImageSchema = z.strictObject({}).nullish()

export interface ImageOpParams {
  ResizeImage: z.output<typeof ResizeImageSchema>
  CropImage: z.output<typeof CropImageSchema>
  NormalizeImage: z.output<typeof NormalizeImageSchema>
  ToCHWImage: z.output<typeof ToCHWImageSchema>
}

/** A parsed image op, keyed by its name as in the manifest: `{ CropImage: { size: 224 } }`. */
export type ImageOp = { [K in ImageSectionName]: { readonly [P in K]: ImageOpParams[K] } }[ImageSectionName]
export type NormalizeImageParams = ImageOpParams['NormalizeImage']

const section = <K extends ImageSectionName>(name: K, schema: z.ZodType<ImageOpParams[K], unknown>): ManifestSection<K, ImageOpParams[K]> => ({
  name,
  stage: 'preprocess',
  schema,
})

export const IMAGE_SECTION_TABLE: { readonly [K in ImageSectionName]: ManifestSection<K, ImageOpParams[K]> } = {
  ResizeImage: section('ResizeImage', ResizeImageSchema),
  CropImage: section('CropImage', CropImageSchema),
  NormalizeImage: section('NormalizeImage', NormalizeImageSchema),
  ToCHWImage: section('ToCHWImage', ToCHWImageSchema),
}

/** The runtime's own sections, for the list every package is validated against. */
export const IMAGE_SECTIONS: readonly ManifestSection[] = IMAGE_SECTION_NAMES.map((name) => IMAGE_SECTION_TABLE[name])

export function isImageSectionName(name: string): name is ImageSectionName {
  return (IMAGE_SECTION_NAMES as readonly string[]).includes(name)
}
