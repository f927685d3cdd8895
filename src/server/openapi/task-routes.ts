/**
 * The routes of a running task for the document: its inference routes (native image forms, its
 * optionsSchema as the options, path parameters that are options too) and the routes its docs
 * list for its extraRoutes. A task without docs still gets its inference routes and options.
 */
import { z } from 'zod'
import type { ServingConfig } from '../../config/schema.js'
import { integer } from '../../tasks/option-schema.js'
import type { ApiRoute } from '../../tasks/route-docs.js'
import { deadlineOptionSchema } from '../request-deadline.js'
import type { RunningTask } from '../services.js'
import { VisualizeSchema } from '../visualize.js'
import { pathParamNames } from './operation.js'

/** Every native inference route can answer these (README "Errors"). */
const TASK_ERRORS = [400, 404, 413, 415, 422, 500, 503, 504]

/** Path parameters: the option of the same name, restricted to the values the task serves here. */
function pathParams(names: string[], options: z.ZodObject, values: Readonly<Record<string, readonly string[]>>): z.ZodObject {
  const shape = options.shape as Record<string, z.ZodType | undefined>
  const param = (name: string): z.ZodType => {
    const allowed = values[name]
    const description = shape[name]?.description
    if (!allowed || allowed.length === 0) return shape[name] ?? z.string()
    const choices = z.enum(allowed as [string, ...string[]])
    return description === undefined ? choices : choices.describe(description)
  }
  return z.strictObject(Object.fromEntries(names.map((name) => [name, param(name)])))
}

/** The answer; a task that draws its results adds `visualizations` (../visualize-answer.ts), under the answer's name. */
function answer(response: z.ZodType | undefined, draws: boolean): z.ZodType {
  const json = response ?? z.record(z.string(), z.unknown())
  if (!draws || !(json instanceof z.ZodObject)) return json
  const extended = json.extend({
    visualizations: z.array(z.string()).optional().describe('With visualize=true: each image with its result drawn, a base64 JPEG, in the order of results.'),
  })
  const id = z.globalRegistry.get(json)?.id
  return id === undefined ? extended : extended.meta({ id })
}

export function taskRouteDocs(task: RunningTask, limits: ServingConfig['limits']): ApiRoute[] {
  const { definition, service, config } = task
  const { docs } = definition
  const draws = definition.overlay !== undefined
  const options = definition.optionsSchema instanceof z.ZodObject ? definition.optionsSchema : z.strictObject({})
  const values = docs?.pathValues?.(config) ?? {}
  // Options every task route takes besides the task's own (../task-request.ts takes them out first).
  const shared = { deadline_ms: deadlineOptionSchema(limits), ...(draws ? VisualizeSchema.shape : {}) }
  const defaults = { ...docs?.defaults?.(service), deadline_ms: limits.default_deadline_ms, ...(draws ? { visualize: false } : {}) }
  const inference = definition.routes.map((route): ApiRoute => {
    const names = pathParamNames(route.path)
    // A path parameter is that option: it is not also listed among the others.
    const mask = Object.fromEntries(names.filter((name) => name in options.shape).map((name) => [name, true as const]))
    const rest = options.omit(mask as never) as z.ZodObject
    return {
      method: 'post',
      path: route.path,
      tag: definition.title,
      summary: docs?.summary ?? `Run the ${definition.title} task`,
      ...(docs?.description === undefined ? {} : { description: docs.description }),
      params: pathParams(names, options, values),
      headers: z.object({ 'X-Deadline-Ms': integer({ min: 1, max: limits.max_deadline_ms }).optional().describe('The deadline in ms when deadline_ms is not given.') }),
      body: { images: { options: rest.extend(shared), defaults } },
      responses: {
        200: {
          description: draws ? 'One result per image, in request order; with Accept: image/jpeg (one image), the drawn result itself.' : 'One result per image, in request order.',
          content: { 'application/json': answer(docs?.response, draws), ...(draws ? { 'image/jpeg': { type: 'string', format: 'binary' } } : {}) },
          headers: { 'Server-Timing': 'Time each op spent queued (in), preprocessing (prep), in the model (midp) and postprocessing (postp).', 'X-Request-Id': 'The request id in the logs.' },
        },
      },
      errors: TASK_ERRORS,
    }
  })
  return [...inference, ...(definition.extraRoutes ? (docs?.extraRoutes?.(config) ?? []) : [])]
}
