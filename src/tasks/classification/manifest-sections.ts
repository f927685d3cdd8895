/** The manifest sections the classification task owns (PaddleClas's postprocess `Topk`). */
import { z } from 'zod'
import { defineSection, type ManifestSection } from '../../runtime/manifest-sections.js'

/** PaddleClas Topk: the k best classes, labelled from a `files` entry (`0 tench, Tinca tinca` lines). */
export const TopkSection = defineSection(
  'Topk',
  'postprocess',
  z.strictObject({
    topk: z.number().int().min(1).max(1000).default(5),
    /** Apply softmax first: for models whose graph ends at the logits (Caffe-converted ones). */
    softmax: z.boolean().default(false),
    /** Key of the label file in `files`. */
    class_id_map_file: z.string().min(1),
  }),
)
export type TopkParams = z.output<typeof TopkSection.schema>

export const classificationSections: readonly ManifestSection[] = [TopkSection]
