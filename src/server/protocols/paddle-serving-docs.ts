/** The Paddle Serving pipeline route (./paddle-serving.ts) for the OpenAPI document. */
import { z } from 'zod'
import type { ApiRoute } from '../../tasks/route-docs.js'
import type { Services } from '../services.js'

const PipelineRequestSchema = z
  .strictObject({
    key: z.array(z.string()).describe('Names: an option of the task (det, topk, index, ..., deadline_ms), or else an image (e.g. "image").'),
    value: z.array(z.string()).describe('The value of each key: the option, or the image file in base64.'),
    logid: z.union([z.number(), z.string()]).optional().describe('Becomes the request id in the logs.'),
    tensors: z.array(z.unknown()).max(0).optional().describe('Not supported: send images in `value`.'),
  })
  .meta({ id: 'PipelineRequest' })

/** `errNos`: every err_no the adapter answers. */
const pipelineAnswerSchema = (errNos: readonly number[]) =>
  z
    .strictObject({
      err_no: z
        .literal([...new Set(errNos)].sort((a, b) => a - b))
        .describe('0 success, 5000 bad input, 6000 deadline passed, 3002 no such service, 3003 model not loaded, 3001 shutting down, 10000 overloaded or internal.'),
      err_msg: z.string().describe('What to change; empty on success.'),
      key: z.array(z.string()),
      value: z.array(z.string()).describe('Python literals (json.loads reads them too); empty on errors.'),
      tensors: z.array(z.unknown()).max(0),
    })
    .meta({ id: 'PipelineAnswer' })

export function paddleServingDocs(services: Services, errNos: readonly number[]): ApiRoute[] {
  const configured = services.config.protocols.paddle_serving.services
  const names = Object.keys(configured) as [string, ...string[]]
  const which = Object.entries(configured)
    .map(([name, task]) => `\`${name}\` → ${task}`)
    .join(', ')
  return [
    {
      method: 'post',
      path: '/:service/prediction',
      tag: 'Paddle Serving',
      summary: 'Paddle Serving pipeline protocol, for existing Paddle clients',
      description: `Services (protocols.paddle_serving.services): ${which}. The body is read as JSON whatever its Content-Type; ocr and recognition take one image per request. The answer is HTTP 200 whatever happened: see err_no.`,
      params: z.strictObject({ service: (names.length > 0 ? z.enum(names) : z.string()).describe('The pipeline service.') }),
      body: { content: { 'application/json': PipelineRequestSchema } },
      responses: { 200: { description: 'The answer, or the error in err_no / err_msg.', content: { 'application/json': pipelineAnswerSchema(errNos) } } },
      errors: [413],
    },
  ]
}
