/**
 * The manifest sections the OCR task owns, named and shaped as in PaddleOCR / PaddleX
 * (`DetResizeForTest`, `DBPostProcess`, `ClsResizeImg` + `ClsPostProcess`, `RecResizeImg` +
 * `CTCLabelDecode`): each PP-OCR package states its own geometry, labels and dictionary, so
 * another PP-OCR generation is a manifest change, not a code change.
 */
import { z } from 'zod'
import { defineSection, type ManifestSection } from '../../runtime/manifest-sections.js'

const positiveInt = z.number().int().positive()

/** PaddleOCR's `[C, H, W]` (rec_image_shape, cls_image_shape): the model's text-line input. */
const ImageShapeSchema = z.tuple([z.literal(3, 'the first axis is the 3 colour channels'), positiveInt, positiveInt])

/** Det: scale so the long (max) or short (min) side meets `limit_side_len`, sides rounded to 32. */
export const DetResizeForTestSection = defineSection(
  'DetResizeForTest',
  'preprocess',
  z.strictObject({
    limit_side_len: positiveInt.min(32).max(8192).default(960),
    limit_type: z.enum(['max', 'min']).default('max'),
  }),
)

/** Det: the DB probability map → text quads (src/tasks/ocr/db-postprocess.ts). */
export const DBPostProcessSection = defineSection(
  'DBPostProcess',
  'postprocess',
  z.strictObject({
    thresh: z.number().min(0).max(1).default(0.3),
    box_thresh: z.number().min(0).max(1).default(0.6),
    max_candidates: positiveInt.default(1000),
    unclip_ratio: z.number().positive().max(10).default(1.5),
    // PaddleOCR keys accepted only with the one value implemented here, so a pasted
    // inference.yml says what is not supported instead of being silently approximated.
    use_dilation: z.literal(false).optional(),
    score_mode: z.literal('fast').optional(),
    box_type: z.literal('quad').optional(),
  }),
)

/** Cls: text lines resized to height H keeping the ratio, width ≤ W, right-padded to W. */
export const ClsResizeImgSection = defineSection('ClsResizeImg', 'preprocess', z.strictObject({ image_shape: ImageShapeSchema }))

/** Label of the class whose crops are turned (PaddleOCR: `'180' in label and score > cls_thresh`). */
export const TURNED_LABEL = '180'

/** Cls: one label per model output, in output order; YAML numbers (`[0, 180]`) read as text. */
export const ClsPostProcessSection = defineSection(
  'ClsPostProcess',
  'postprocess',
  z.strictObject({
    label_list: z
      .array(z.union([z.string().min(1), z.number()]).transform(String))
      .min(2)
      .refine((labels) => new Set(labels).size === labels.length, 'labels must be distinct')
      .refine((labels) => labels.includes(TURNED_LABEL), `label_list needs the label '${TURNED_LABEL}': the crops it turns upright`),
  }),
)

/** Rec: height H, width from the ratio; a batch is padded to at least W (PaddleOCR's imgW). */
export const RecResizeImgSection = defineSection('RecResizeImg', 'preprocess', z.strictObject({ image_shape: ImageShapeSchema }))

/** Rec: greedy CTC over `blank` + the dictionary's lines (+ `' '` with use_space_char). */
export const CTCLabelDecodeSection = defineSection(
  'CTCLabelDecode',
  'postprocess',
  z.strictObject({
    /** Key of the dictionary (one character per line) in `files`. */
    character_dict: z.string().min(1),
    use_space_char: z.boolean().default(true),
  }),
)

export type DetResizeForTestParams = z.output<typeof DetResizeForTestSection.schema>
export type DBPostProcessParams = z.output<typeof DBPostProcessSection.schema>

export const ocrSections: readonly ManifestSection[] = [
  DetResizeForTestSection,
  DBPostProcessSection,
  ClsResizeImgSection,
  ClsPostProcessSection,
  RecResizeImgSection,
  CTCLabelDecodeSection,
]
