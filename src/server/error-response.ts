/**
 * The one place where errors become HTTP: status by error code, body `{error: {code, message}}`,
 * `Retry-After` when overloaded. Unknown errors are logged with their stack and answered 500
 * without internals; a client that disconnected is a debug line, not one of them.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { Cancelled, Overloaded, ServingError, type ErrorCode } from '../engine/errors.js'
import { log } from '../util/log.js'
import { labelOutcome } from './request-labels.js'

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_option: 422,
  overloaded: 503,
  model_not_ready: 503,
  cancelled: 503,
  deadline_exceeded: 504,
  config_error: 500,
  model_load_error: 500,
  inference_error: 500,
  internal: 500,
}

export function statusOf(error: ServingError): ContentfulStatusCode {
  return STATUS[error.code]
}

/** The error codes answered with `status` (listed by the OpenAPI document). */
export function codesWithStatus(status: number): ErrorCode[] {
  return (Object.keys(STATUS) as ErrorCode[]).filter((code) => STATUS[code] === status)
}

// How @hono/node-server fails a body read when the client closes its connection mid-request.
const DISCONNECT_CODES = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED'])
const DISCONNECT_MESSAGES = new Set(['aborted', 'Client connection prematurely closed.'])

/**
 * A client that went away mid-request is an expected event, not a server fault: the error it
 * caused (a failed body read, an abort) as Cancelled, or undefined for any other error.
 */
export function clientDisconnect(error: unknown, c: Context): Cancelled | undefined {
  if (error instanceof ServingError) return undefined
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null | undefined
  const looksLikeIt =
    e?.name === 'AbortError' || DISCONNECT_CODES.has(String(e?.code)) || DISCONNECT_MESSAGES.has(String(e?.message)) || c.req.raw.signal?.aborted === true
  return looksLikeIt ? new Cancelled('the client closed the connection before the answer') : undefined
}

export function errorResponse(thrown: unknown, c: Context): Response {
  const error = clientDisconnect(thrown, c) ?? thrown
  if (!(error instanceof ServingError)) {
    log.error(`unhandled error on ${c.req.method} ${c.req.path}`, { stack: (error as Error)?.stack ?? String(error) })
    labelOutcome(c, 'internal')
    return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500)
  }
  labelOutcome(c, error.code)
  const status = statusOf(error)
  // Overload, deadlines and missing models are operating conditions the client is told about;
  // only faults of the server itself are logged as errors.
  if (status === 500) log.error(`${c.req.method} ${c.req.path} failed: ${error.message}`, { code: error.code })
  else log.debug(`${c.req.method} ${c.req.path} → ${status} ${error.code}: ${error.message}`)
  if (error instanceof Overloaded) c.header('Retry-After', String(error.retryAfterS))
  if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer')
  // The unread rest of an oversized body makes the connection unusable for a next request.
  if (error.code === 'payload_too_large') c.header('Connection', 'close')
  return c.json({ error: { code: error.code, message: error.message } }, status)
}
