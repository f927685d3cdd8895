/** The manifest sections the feature extraction task owns (pooling of feature maps). */
import { z } from 'zod'
import { defineSection, type ManifestSection } from '../../runtime/manifest-sections.js'

/**
 * Pooling of 4-D feature taps `[N, C, H, W]` (fetches `features`, `features_1`, …) into vectors:
 * average or generalised mean (GeM, exponent p) over `bands` horizontal strips, concatenated.
 * 2-D taps are used as they are.
 */
export const FeaturePoolSection = defineSection(
  'FeaturePool',
  'postprocess',
  z.strictObject({
    type: z.enum(['avg', 'gem']).default('gem'),
    p: z.number().min(1).max(16).default(3),
    bands: z.number().int().min(1).max(64).default(1),
  }),
)
export type FeaturePoolParams = z.output<typeof FeaturePoolSection.schema>

export const featureSections: readonly ManifestSection[] = [FeaturePoolSection]
