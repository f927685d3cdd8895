/** The OCR task: `POST /ocr`, PP-OCR det → cls → rec, PaddleHub `ocr_system` fields per line. */
import { defineTask } from '../task.js'
import { ocrSections } from './manifest-sections.js'
import { ocrDocs } from './ocr-docs.js'
import { OcrConfigSchema } from './ocr-config.js'
import { ocrOverlay } from './ocr-overlay.js'
import { OcrOptionsSchema } from './ocr-options.js'
import { ocrModelNames, OcrService } from './ocr-service.js'

export const ocrTask = defineTask({
  name: 'ocr',
  title: 'OCR',
  config: OcrConfigSchema,
  manifestSections: ocrSections,
  models: ocrModelNames,
  create: (config, kit) => OcrService.create(config, kit),
  optionsSchema: OcrOptionsSchema,
  routes: [{ path: '/ocr' }],
  format: (results) => ({ results }),
  docs: ocrDocs,
  overlay: ocrOverlay,
})
