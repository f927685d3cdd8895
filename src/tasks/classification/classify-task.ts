/**
 * The classification task: `POST /classify` (the default classifier) and `/classify/{model}`;
 * per image PaddleClas's `{class_ids, scores, label_names}` plus Paddle Serving's top-1 `label`
 * and `prob`.
 */
import { roundScore } from '../round-score.js'
import { defineTask } from '../task.js'
import { classificationSections } from './manifest-sections.js'
import { ClassificationService, classifierNames } from './classification-service.js'
import { ClassifyConfigSchema } from './classify-config.js'
import { classifyDocs } from './classify-docs.js'
import type { Classification } from './classify-op.js'
import { classificationOverlay } from './classify-overlay.js'
import { ClassifyOptionsSchema } from './classify-options.js'

function toResponse(result: Classification) {
  return {
    class_ids: result.classIds,
    scores: result.scores.map(roundScore),
    label_names: result.labelNames,
    label: result.labelNames[0],
    prob: roundScore(result.scores[0]!),
  }
}

export const classifyTask = defineTask({
  name: 'classify',
  title: 'classification',
  config: ClassifyConfigSchema,
  manifestSections: classificationSections,
  models: classifierNames,
  create: (config, kit) => ClassificationService.create(config, kit),
  optionsSchema: ClassifyOptionsSchema,
  routes: [{ path: '/classify' }, { path: '/classify/:model' }],
  format: (results, options) => ({ model: options.model, results: results.map(toResponse) }),
  docs: classifyDocs,
  overlay: classificationOverlay,
})
