/**
 * The PP-ShiTu recognition task: `POST /recognize` (per image PaddleClas's
 * `[{bbox, rec_docs, rec_scores}]`) and the live gallery API under `/gallery/{index}`.
 */
import { roundScore } from '../round-score.js'
import { defineTask } from '../task.js'
import { detectionSections } from '../detection/manifest-sections.js'
import { featureSections } from '../features/manifest-sections.js'
import { galleryRoutes } from './gallery-routes.js'
import { recognitionOverlay } from './rec-overlay.js'
import type { RecognizedObject } from './rec-results.js'
import { RecognizeConfigSchema } from './recognize-config.js'
import { recognizeDocs } from './recognize-docs.js'
import { RecognizeOptionsSchema } from './recognize-options.js'
import { RecognitionService, recognitionModelNames } from './recognition-service.js'

/** PaddleClas's fields (det_score and score_thres are for protocols that report them), scores rounded. */
function rounded(objects: RecognizedObject[]): RecognizedObject[] {
  return objects.map(({ det_score: _detScore, score_thres: _scoreThres, ...o }) => ({
    ...o,
    rec_scores: roundScore(o.rec_scores),
    ...(o.candidates ? { candidates: o.candidates.map((h) => ({ ...h, score: roundScore(h.score) })) } : {}),
  }))
}

export const recognizeTask = defineTask({
  name: 'recognize',
  title: 'recognition',
  config: RecognizeConfigSchema,
  env: { PPSERVE_GALLERY_TOKEN: ['gallery', 'token'] },
  manifestSections: [...detectionSections, ...featureSections],
  models: recognitionModelNames,
  create: (config, kit) => RecognitionService.create(config, kit),
  optionsSchema: RecognizeOptionsSchema,
  routes: [{ path: '/recognize' }],
  format: (results, options) => ({ index: options.index, results: results.map(rounded) }),
  overlay: recognitionOverlay,
  extraRoutes: (service, kit, config) => galleryRoutes(service.galleries, kit, config),
  docs: recognizeDocs,
})
