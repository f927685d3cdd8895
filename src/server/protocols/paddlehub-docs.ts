/** The PaddleHub serving route (./paddlehub.ts) for the OpenAPI document; its options are the OCR task's. */
import { z } from 'zod'
import { OcrLineSchema } from '../../tasks/ocr/ocr-docs.js'
import { OcrOptionsSchema } from '../../tasks/ocr/ocr-options.js'
import type { ApiRoute } from '../../tasks/route-docs.js'
import { deadlineOptionSchema } from '../request-deadline.js'
import type { Services } from '../services.js'

const HubAnswerSchema = z
  .strictObject({
    msg: z.string().describe('Empty on success, else what went wrong.'),
    results: z
      .union([z.array(z.array(OcrLineSchema)), z.literal('')])
      .describe('ocr_system, ocr_det: one list of lines per image; ocr_rec: ONE list with a line per image; "" on failure.'),
    status: z.enum(['000', '101', '111', '112']).describe('000 success, 101 the prediction failed, 111 module not available, 112 body not JSON.'),
  })
  .meta({ id: 'HubAnswer' })

export function paddleHubDocs(services: Services, modules: readonly string[]): ApiRoute[] {
  const { limits } = services.config
  // det and rec are the module's choice; the other OCR options may go beside `images`.
  const request = OcrOptionsSchema.omit({ det: true, rec: true }).extend({
    images: z.array(z.string().describe('An image file in base64.')).min(1).max(limits.max_images_per_request),
    deadline_ms: deadlineOptionSchema(limits),
  })
  return [
    {
      method: 'post',
      path: '/predict/:module',
      tag: 'PaddleHub',
      summary: "PaddleHub serving of PaddleOCR's hub modules (over the OCR task)",
      description: 'The answer is HTTP 200 whatever happened: see status.',
      params: z.strictObject({ module: z.enum(modules as [string, ...string[]]).describe('ocr_system: det + rec; ocr_det: regions only; ocr_rec: each image is one text line.') }),
      body: { content: { 'application/json': request } },
      responses: { 200: { description: 'The answer, or the failure in status / msg.', content: { 'application/json': HubAnswerSchema } } },
      errors: [413],
    },
  ]
}
