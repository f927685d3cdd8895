/**
 * Every manifest section the server knows, as the task registry will hand them to
 * loadModelPackage: the runtime's image ops and each task's own.
 */
import { IMAGE_SECTIONS, type ManifestSection } from '../../src/runtime/manifest-sections.js'
import { classificationSections } from '../../src/tasks/classification/manifest-sections.js'
import { detectionSections } from '../../src/tasks/detection/manifest-sections.js'
import { featureSections } from '../../src/tasks/features/manifest-sections.js'
import { ocrSections } from '../../src/tasks/ocr/manifest-sections.js'

export const KNOWN_SECTIONS: readonly ManifestSection[] = [...IMAGE_SECTIONS, ...classificationSections, ...detectionSections, ...featureSections, ...ocrSections]
