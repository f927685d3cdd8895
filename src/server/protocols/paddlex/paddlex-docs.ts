/**
 * The PaddleX serving routes (./paddlex-adapter.ts) for the OpenAPI document: the request
 * schemas are the ones the operations validate with; the results are PaddleX's
 * (paddlex/inference/serving/schemas/*.py) as the operations fill them.
 */
import { z } from 'zod'
import type { ApiResponse, ApiRoute } from '../../../tasks/route-docs.js'
import { ClassificationRequestSchema } from './classification-operation.js'
import { OcrRequestSchema } from './ocr-operation.js'
import { AddRequestSchema, BuildRequestSchema, InferRequestSchema, RemoveRequestSchema } from './shitu-operations.js'

const TAG = 'PaddleX'
const Point = z.tuple([z.number(), z.number()])
const Poly = z.array(Point)
const Box = z.tuple([z.number(), z.number(), z.number(), z.number()])
const DrawnImage = z.string().nullable().describe('The result drawn on the image: a base64 JPEG, or null when not visualized.')
const IdMap = z.record(z.string(), z.string()).describe('Label of each item id in the index.')

const success = <T extends z.ZodType>(id: string, result: T) =>
  z.strictObject({ logId: z.string(), errorCode: z.literal(0), errorMsg: z.literal('Success'), result }).meta({ id })

const PaddleXErrorSchema = z
  .strictObject({ logId: z.string(), errorCode: z.number().int().describe('The HTTP status.'), errorMsg: z.string() })
  .meta({ id: 'PaddleXError' })

const OcrResult = success(
  'PaddleXOcrAnswer',
  z.strictObject({
    ocrResults: z.array(
      z.strictObject({
        prunedResult: z.strictObject({
          model_settings: z.strictObject({ use_doc_preprocessor: z.boolean(), use_textline_orientation: z.boolean() }),
          dt_polys: z.array(Poly),
          text_det_params: z.strictObject({ limit_side_len: z.number().int(), limit_type: z.string(), thresh: z.number(), box_thresh: z.number(), unclip_ratio: z.number() }),
          text_type: z.literal('general'),
          text_rec_score_thresh: z.number(),
          rec_texts: z.array(z.string()),
          rec_scores: z.array(z.number()),
          rec_polys: z.array(Poly),
          rec_boxes: z.array(Box),
        }),
        ocrImage: DrawnImage,
        docPreprocessingImage: z.null(),
        inputImage: z.null(),
      }),
    ),
    dataInfo: z.strictObject({ width: z.number().int(), height: z.number().int(), type: z.literal('image') }),
  }),
)

const ClassificationResult = success(
  'PaddleXClassificationAnswer',
  z.strictObject({ categories: z.array(z.strictObject({ id: z.number().int(), name: z.string(), score: z.number() })), image: DrawnImage }),
)

const ShituInferResult = success(
  'PaddleXShituAnswer',
  z.strictObject({
    detectedObjects: z.array(
      z.strictObject({ bbox: Box, recResults: z.array(z.strictObject({ label: z.string(), score: z.number() })), score: z.number() }),
    ),
    image: DrawnImage,
  }),
)

const IndexBuildResult = success('PaddleXIndexBuildAnswer', z.strictObject({ indexKey: z.string(), idMap: IdMap }))
const IndexChangeResult = success('PaddleXIndexAnswer', z.strictObject({ idMap: IdMap }))

const WHEN: Readonly<Record<number, string>> = {
  400: 'Undecodable image or bad base64.',
  401: 'An index change without the configured gallery token.',
  403: 'An index change from a non-loopback client when no token is configured, or a URL whose host is not in protocols.paddlex.url_allowlist.',
  404: 'The task is disabled, or no such index.',
  413: 'Body (or fetched file) over limits.max_body_bytes.',
  422: 'A field unknown, of the wrong type or out of range (named as sent).',
  500: 'A fault of the server.',
  503: 'Overloaded, or a model not ready.',
  504: 'The deadline (or a URL fetch) passed.',
}

function answers(result: z.ZodType, statuses: readonly number[]): Record<number, ApiResponse> {
  const failures = statuses.map((status) => [status, { description: WHEN[status]!, content: { 'application/json': PaddleXErrorSchema } }])
  return { 200: { description: 'Success.', content: { 'application/json': result } }, ...Object.fromEntries(failures) }
}

const INFER = [400, 403, 404, 413, 422, 500, 503, 504]
const CHANGE = [...INFER, 401]

const operation = (path: string, summary: string, request: z.ZodType, result: z.ZodType, statuses: readonly number[]): ApiRoute => ({
  method: 'post',
  path,
  tag: TAG,
  summary,
  body: { content: { 'application/json': request } },
  responses: answers(result, statuses),
})

export function paddlexDocs(): ApiRoute[] {
  const pairs = 'imageLabelPairs: at most limits.max_images_per_request per request.'
  return [
    {
      ...operation('/ocr', 'PaddleX OCR pipeline (a JSON body with `file`)', OcrRequestSchema, OcrResult, INFER),
      description: '`file`: base64 of an image, or an http(s) URL whose host is in protocols.paddlex.url_allowlist. PDFs (fileType 0) are refused.',
    },
    operation('/image-classification', 'PaddleX image classification (default classifier)', ClassificationRequestSchema, ClassificationResult, INFER),
    operation('/shitu-infer', 'PaddleX PP-ShiTuV2 recognition (indexKey: a gallery)', InferRequestSchema, ShituInferResult, INFER),
    { ...operation('/shitu-index-build', 'PaddleX: build a new index (named by a new UUID)', BuildRequestSchema, IndexBuildResult, CHANGE), description: pairs },
    { ...operation('/shitu-index-add', 'PaddleX: add items to an index', AddRequestSchema, IndexChangeResult, CHANGE), description: pairs },
    operation('/shitu-index-remove', 'PaddleX: remove items from an index by id', RemoveRequestSchema, IndexChangeResult, CHANGE),
    {
      method: 'get',
      path: '/health',
      tag: TAG,
      summary: "PaddleX's health check",
      responses: {
        200: {
          description: 'The server answers.',
          content: { 'application/json': z.strictObject({ logId: z.string(), errorCode: z.literal(0), errorMsg: z.literal('Healthy') }).meta({ id: 'PaddleXHealth' }) },
        },
      },
    },
  ]
}
