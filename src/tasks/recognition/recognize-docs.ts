/** The recognition task's part of the OpenAPI document: its answer, defaults and the gallery API. */
import { z } from 'zod'
import type { TaskDocs } from '../route-docs.js'
import { galleryRouteDocs } from './gallery-docs.js'
import type { RecognitionService } from './recognition-service.js'
import type { RecognizeConfig } from './recognize-config.js'

const Box = z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[x1, y1, x2, y2] in image pixels.')

const RecognizedSchema = z
  .strictObject({
    bbox: Box,
    rec_docs: z.string().describe('Label of the best gallery hit.'),
    rec_scores: z.number().describe('Its similarity.'),
    candidates: z
      .array(z.strictObject({ id: z.number().int(), label: z.string(), score: z.number() }))
      .optional()
      .describe('The best return_k hits, when asked for.'),
  })
  .meta({ id: 'RecognizedObject' })

export const RecognizeResponseSchema = z
  .strictObject({
    index: z.string().describe('The gallery searched.'),
    results: z.array(z.array(RecognizedSchema)).describe('One list per image, in request order (PaddleClas fields).'),
  })
  .meta({ id: 'RecognizeResponse' })

export const recognizeDocs: TaskDocs<RecognizeConfig, RecognitionService> = {
  summary: 'Recognise objects (PP-ShiTu): mainbody detection → features → gallery search',
  response: RecognizeResponseSchema,
  defaults(service) {
    const o = service.resolveOptions({})
    return {
      index: o.index,
      score_thres: o.scoreThres,
      rec_nms_thresold: o.nmsThres,
      max_det_results: o.maxDetResults,
      det_threshold: o.detThreshold,
    }
  },
  extraRoutes: galleryRouteDocs,
}
