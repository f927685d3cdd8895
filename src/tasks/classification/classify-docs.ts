/** The classification task's part of the OpenAPI document: its answer, defaults and the classifiers served. */
import { z } from 'zod'
import type { TaskDocs } from '../route-docs.js'
import { classifierNames, type ClassificationService } from './classification-service.js'
import type { ClassifyConfig } from './classify-config.js'

const ClassificationSchema = z
  .strictObject({
    class_ids: z.array(z.number().int()).describe('Best first.'),
    scores: z.array(z.number()).describe('Of class_ids, rounded to 5 decimals.'),
    label_names: z.array(z.string()),
    label: z.string().describe("Top-1 label (Paddle Serving's)."),
    prob: z.number().describe('Top-1 score.'),
  })
  .meta({ id: 'Classification' })

export const ClassifyResponseSchema = z
  .strictObject({
    model: z.string().describe('The classifier that answered.'),
    results: z.array(ClassificationSchema).describe('One per image, in request order.'),
  })
  .meta({ id: 'ClassifyResponse' })

export const classifyDocs: TaskDocs<ClassifyConfig, ClassificationService> = {
  summary: 'Classify images (PaddleClas top-k)',
  response: ClassifyResponseSchema,
  defaults(service) {
    const { model, topk } = service.resolveOptions({})
    return { model, topk }
  },
  pathValues: (config) => ({ model: classifierNames(config) }),
}
