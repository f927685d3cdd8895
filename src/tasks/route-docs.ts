/**
 * How routes describe themselves for the OpenAPI document (src/server/openapi/): tasks and
 * protocol adapters each list their routes with the zod schemas of what they take and answer, so
 * adding a task or a protocol adds its routes to the document without editing the document's
 * code. It lives in tasks/ because task definitions carry it, and tasks do not import server/.
 */
import type { z } from 'zod'

/** A JSON Schema (2020-12) written by hand, for what zod cannot say: binary bodies, plain text. */
export interface JsonSchema {
  readonly [keyword: string]: unknown
}

export type ApiSchema = z.ZodType | JsonSchema

/** Media type → schema of the body. */
export type ApiContent = Readonly<Record<string, ApiSchema>>

export interface ApiResponse {
  readonly description: string
  /** No content: an empty body. */
  readonly content?: ApiContent
  /** Response headers worth naming → what they say. */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * Images in the native forms (README "POST /ocr"): raw image/* bytes with the options in the
 * query, multipart/form-data (file parts + option fields), JSON with base64 `image`/`images`.
 */
export interface ImagesBody {
  /** Options beside the images (query parameters, form fields, JSON keys). */
  readonly options: z.ZodObject
  /** Most images per request; default `limits.max_images_per_request`. */
  readonly maxImages?: number
  /** What unset options resolve to here, by name (shown as their defaults). */
  readonly defaults?: Readonly<Record<string, unknown>>
}

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'put' | 'delete'
  /** In hono's syntax (`/classify/:model`), as the route is registered. */
  readonly path: string
  readonly summary: string
  readonly description?: string
  /** The group it is listed under (the task or protocol). */
  readonly tag: string
  /** Path parameters by name; parameters left out are plain strings. */
  readonly params?: z.ZodObject
  readonly query?: z.ZodObject
  readonly headers?: z.ZodObject
  readonly body?: { readonly images: ImagesBody } | { readonly content: ApiContent; readonly required?: boolean; readonly description?: string }
  /** By HTTP status. */
  readonly responses: Readonly<Record<number, ApiResponse>>
  /** Statuses answered with the native error body `{"error": {"code", "message"}}`. */
  readonly errors?: readonly number[]
  /** A bearer token the route may need: sent when one is configured (the description says where). */
  readonly bearer?: { readonly name: string; readonly description: string }
}

/** A task's part of the document (TaskDefinition.docs); its inference routes are derived from optionsSchema. */
export interface TaskDocs<Config, Service> {
  /** One line for the task's inference routes. */
  readonly summary: string
  readonly description?: string
  /** The JSON answer of the inference routes: what the task's `format` returns. */
  readonly response: z.ZodType
  /** What unset options resolve to on this running service, by option name (the document's defaults). */
  defaults?(service: Service): Readonly<Record<string, unknown>>
  /** Allowed values of path parameters under this config (`/classify/{model}`: the configured classifiers). */
  pathValues?(config: Config): Readonly<Record<string, readonly string[]>>
  /** The routes `extraRoutes` mounts. */
  extraRoutes?(config: Config): readonly ApiRoute[]
}
