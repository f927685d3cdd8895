/**
 * PaddleX's PP-ShiTuV2 operations (paddlex/inference/serving/schemas/pp_shituv2.py) over the
 * recognize task and its galleries; PaddleX's `indexKey` is a gallery name here.
 * - `/shitu-infer` `{image, indexKey?, detThreshold?, recThreshold?, topk?}` → the recognize task
 *   (index, det_threshold, score_thres, return_k) → `{detectedObjects: [{bbox, recResults, score}], image}`;
 * - `/shitu-index-build` `{imageLabelPairs}` → a new gallery named by a new UUID → `{indexKey, idMap}`;
 * - `/shitu-index-add` `{imageLabelPairs, indexKey}`, `/shitu-index-remove` `{ids, indexKey}` → `{idMap}`.
 * Changes are gallery changes: one generation each, same access rule as the gallery API.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { z } from 'zod'
import { InvalidInput, InvalidOption, NotFound } from '../../../engine/errors.js'
import type { RequestContext } from '../../../engine/request-context.js'
import type { RecognizedObject } from '../../../tasks/recognition/rec-results.js'
import type { RecognitionService } from '../../../tasks/recognition/recognition-service.js'
import { galleryWriteAccess } from '../../../tasks/recognition/gallery-access.js'
import type { GalleryService, NewItem } from '../../../tasks/recognition/gallery-service.js'
import type { Services, RunningTask } from '../../services.js'
import { serverTiming } from '../../server-timing.js'
import { executeTask, routeKit } from '../../task-request.js'
import { readFileField } from './file-input.js'
import { optional, paddlexSuccess, parseOperationBody, withFieldNames } from './paddlex-envelope.js'
import { resultImage, type PaddleXSettings } from './paddlex-settings.js'

/** PaddleX's rec_topk default: labels per detected object. */
const DEFAULT_TOPK = 5

export const InferRequestSchema = z.strictObject({
  image: z.string().min(1),
  indexKey: optional(z.string()),
  detThreshold: optional(z.number()),
  recThreshold: optional(z.number()),
  hammingRadius: optional(z.number()),
  topk: optional(z.number().int()),
  visualize: optional(z.boolean()),
})

const ImageLabelPairs = z.array(z.strictObject({ image: z.string().min(1), label: z.string() })).min(1)
export const BuildRequestSchema = z.strictObject({ imageLabelPairs: ImageLabelPairs })
export const AddRequestSchema = z.strictObject({ imageLabelPairs: ImageLabelPairs, indexKey: z.string() })
export const RemoveRequestSchema = z.strictObject({ ids: z.array(z.number().int().nonnegative()).min(1), indexKey: z.string() })

const FIELD_NAMES = { det_threshold: 'detThreshold', score_thres: 'recThreshold', return_k: 'topk', index: 'indexKey' }

function recognition(services: Services): RunningTask {
  const task = services.task('recognize')
  if (!task) throw new NotFound('PP-ShiTu is not served here: the recognize task is disabled (services.recognize.enabled)')
  return task
}

/** PaddleX's labels per object: the top `topk` gallery hits reaching the threshold the box passed (recThreshold, or the gallery's fitted one). */
function detectedObject(o: RecognizedObject) {
  const hits = o.candidates ?? [{ label: o.rec_docs, score: o.rec_scores }]
  const threshold = o.score_thres! // RecognitionService.run records it on every object
  return {
    bbox: o.bbox,
    recResults: hits.filter((hit) => hit.score >= threshold).map((hit) => ({ label: hit.label, score: hit.score })),
    score: o.det_score ?? 1,
  }
}

export async function paddlexShituInfer(c: Context, services: Services, settings: PaddleXSettings, body: unknown): Promise<Response> {
  const task = recognition(services)
  const request = parseOperationBody(InferRequestSchema, body, 'POST /shitu-infer')
  if (request.hammingRadius !== undefined && request.hammingRadius !== null) {
    throw new InvalidOption('hammingRadius applies to binary (Hamming) indexes; the galleries here hold float features: send null')
  }
  const bytes = await readFileField(request.image, 'image', settings.fetch(c))
  const options = Object.fromEntries(
    Object.entries({ index: request.indexKey, det_threshold: request.detThreshold, score_thres: request.recThreshold }).filter(([, v]) => v != null),
  )
  const answer = await withFieldNames(FIELD_NAMES, () =>
    executeTask(services, task, {
      images: [bytes],
      options: { ...options, return_k: request.topk ?? DEFAULT_TOPK, ...settings.visualize(request.visualize) },
      drawing: settings.drawing(),
      deadlineHeader: c.req.header('x-deadline-ms'),
      requestId: c.get('requestId'),
      signal: c.req.raw.signal,
    }),
  )
  const detectedObjects = (answer.results[0] as RecognizedObject[]).map(detectedObject)
  c.header('Server-Timing', serverTiming(answer.ctx.timings, performance.now() - answer.ctx.startedAt))
  return paddlexSuccess(c, { detectedObjects, image: resultImage(answer) })
}

/** The galleries, once the client may change them (gallery token, or loopback without one). */
async function writableGalleries(c: Context, services: Services): Promise<GalleryService> {
  const task = recognition(services)
  const { token } = services.config.services.recognize.gallery
  await galleryWriteAccess(token ?? undefined)(c, async () => {})
  return (task.service as RecognitionService).galleries
}

async function readPairs(c: Context, services: Services, settings: PaddleXSettings, pairs: ReadonlyArray<{ image: string; label: string }>) {
  const max = services.config.limits.max_images_per_request
  if (pairs.length > max) {
    throw new InvalidInput(`imageLabelPairs has ${pairs.length} pairs; at most ${max} per request (limits.max_images_per_request): add the rest with /shitu-index-add`)
  }
  const fetch = settings.fetch(c)
  const bytes = await Promise.all(pairs.map((pair, i) => readFileField(pair.image, `imageLabelPairs[${i}].image`, fetch)))
  return pairs.map((pair, i) => ({ bytes: bytes[i]!, label: pair.label }))
}

/** One engine request named `gallery` (as the gallery API's): decodes the images, then `store`s them. */
function storeItems(c: Context, services: Services, items: ReadonlyArray<{ bytes: Uint8Array; label: string }>, store: (items: NewItem[], ctx: RequestContext) => Promise<unknown>) {
  const kit = routeKit(services)
  return kit.serve(c, 'gallery', async (ctx) => {
    const decoded = await Promise.all(items.map(async (item) => ({ ...item, image: await kit.decode(item.bytes, 'rgb', ctx) })))
    return store(decoded, ctx)
  })
}

export function paddlexShituIndexOperations(services: Services, settings: PaddleXSettings) {
  return {
    async build(c: Context, body: unknown): Promise<Response> {
      const galleries = await writableGalleries(c, services)
      const request = parseOperationBody(BuildRequestSchema, body, 'POST /shitu-index-build')
      const items = await readPairs(c, services, settings, request.imageLabelPairs)
      const indexKey = randomUUID()
      await storeItems(c, services, items, (decoded, ctx) => galleries.createGallery(indexKey, decoded, ctx))
      return paddlexSuccess(c, { indexKey, idMap: await galleries.labelsById(indexKey) })
    },
    async add(c: Context, body: unknown): Promise<Response> {
      const galleries = await writableGalleries(c, services)
      const request = parseOperationBody(AddRequestSchema, body, 'POST /shitu-index-add')
      const items = await readPairs(c, services, settings, request.imageLabelPairs)
      await storeItems(c, services, items, (decoded, ctx) => galleries.addItems(request.indexKey, decoded, ctx))
      return paddlexSuccess(c, { idMap: await galleries.labelsById(request.indexKey) })
    },
    async remove(c: Context, body: unknown): Promise<Response> {
      const galleries = await writableGalleries(c, services)
      const request = parseOperationBody(RemoveRequestSchema, body, 'POST /shitu-index-remove')
      await routeKit(services).serve(c, 'gallery', (ctx) => galleries.removeItems(request.indexKey, request.ids, ctx))
      return paddlexSuccess(c, { idMap: await galleries.labelsById(request.indexKey) })
    },
  }
}
