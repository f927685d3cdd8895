/** The manifest sections the detection task owns (the PicoDet head decode). */
import { z } from 'zod'
import { defineSection, type ManifestSection } from '../../runtime/manifest-sections.js'

/**
 * PicoDet / GFL head decode + multiclass NMS (PaddleDetection's PicoHead post-process and
 * multiclass_nms3), over the fetches `scores_s{stride}` and `boxes_s{stride}`. Labels come from a
 * `files` entry (one name per line) or are listed inline.
 */
export const PicoDetDecodeSection = defineSection(
  'PicoDetDecode',
  'postprocess',
  z
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
)
export type PicoDetDecodeParams = z.output<typeof PicoDetDecodeSection.schema>

/**
 * How PP-ShiTu's mainbody selection uses this detector's boxes. `ignore_labels`: classes that are
 * never a product (a COCO stand-in's people, vehicles, animals ...), dropped before the
 * top-`max_det_results` cut so those slots go to other boxes. Absent: every class counts.
 */
export const MainbodySection = defineSection(
  'Mainbody',
  'postprocess',
  z.strictObject({
    ignore_labels: z.array(z.string().min(1)).default([]),
  }),
)
export type MainbodyParams = z.output<typeof MainbodySection.schema>

export const detectionSections: readonly ManifestSection[] = [PicoDetDecodeSection, MainbodySection]
