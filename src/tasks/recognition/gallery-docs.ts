/** The gallery API's routes (./gallery-routes.ts) for the OpenAPI document. */
import { z } from 'zod'
import { ScoreCalibrationSchema } from '../../retrieval/score-calibration.js'
import type { ApiRoute } from '../route-docs.js'

const TAG = 'gallery'
const Index = z.strictObject({ index: z.string().describe('Gallery (index folder) name.') })
const Removed = z.strictObject({ removed: z.array(z.number().int()).describe('Ids of the items removed.') }).meta({ id: 'GalleryRemoved' })
const bearer = {
  name: 'galleryToken',
  description: 'services.recognize.gallery.token (or PPSERVE_GALLERY_TOKEN). With none configured, galleries change only from loopback clients.',
}
const WRITE_ERRORS = [400, 401, 403, 404, 503, 504]

const GalleryInfoSchema = z
  .strictObject({
    name: z.string(),
    size: z.number().int().describe('Items in the gallery.'),
    dim: z.number().int().describe('Feature vector length.'),
    model: z.string().describe('Feature model the vectors come from.'),
    metric: z.enum(['IP', 'L2']),
    method: z.enum(['Flat', 'HNSW', 'IVF']),
    whitened: z.boolean(),
    generation: z.number().int().describe('Bumped by every change.'),
    calibration: ScoreCalibrationSchema.describe(
      'The acceptance threshold fitted on this generation (score_thres: auto), with the settings, impostor (far) and genuine (gar) accept rates and counts behind it; threshold null when the gallery is too small to fit (reason says why; the configured fallback applies).',
    ),
    labels: z.record(z.string(), z.number().int()).describe('Items per label.'),
  })
  .meta({ id: 'GalleryInfo' })

const AddedItemSchema = z
  .strictObject({ id: z.number().int(), label: z.string(), path: z.string().describe('Where the image is kept, relative to the index folder.') })
  .meta({ id: 'GalleryItem' })

export const galleryRouteDocs = (): ApiRoute[] => [
  {
    method: 'get',
    path: '/gallery/:index',
    tag: TAG,
    summary: 'Describe a gallery: size, labels, feature model, metric',
    params: Index,
    responses: { 200: { description: 'The gallery.', content: { 'application/json': GalleryInfoSchema } } },
    errors: [400, 404, 503, 504],
  },
  {
    method: 'post',
    path: '/gallery/:index/items',
    tag: TAG,
    summary: 'Add an image under a label (one index generation, durable)',
    description: 'Labels: non-empty, at most 128 characters, no control or bidi formatting characters.',
    params: Index,
    body: { images: { options: z.strictObject({ label: z.string().min(1).max(128).describe("The item's label.") }), maxImages: 1 } },
    responses: { 201: { description: 'The item added.', content: { 'application/json': AddedItemSchema } } },
    errors: [...WRITE_ERRORS, 413, 415],
    bearer,
  },
  {
    method: 'delete',
    path: '/gallery/:index/items/:id',
    tag: TAG,
    summary: 'Remove an item by id',
    params: Index.extend({ id: z.string().regex(/^\d{1,15}$/).describe('Item id.') }),
    responses: { 200: { description: 'The item was removed.', content: { 'application/json': Removed } } },
    errors: WRITE_ERRORS,
    bearer,
  },
  {
    method: 'delete',
    path: '/gallery/:index/items',
    tag: TAG,
    summary: 'Remove every item of a label',
    params: Index,
    query: z.strictObject({ label: z.string().min(1).describe('The label whose items go.') }),
    responses: { 200: { description: 'The items removed.', content: { 'application/json': Removed } } },
    errors: WRITE_ERRORS,
    bearer,
  },
]
