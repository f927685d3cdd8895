/** The native error answer `{"error": {"code", "message"}}` (../error-response.ts) for each status a route lists. */
import { z } from 'zod'
import type { ApiResponse } from '../../tasks/route-docs.js'
import { codesWithStatus } from '../error-response.js'

/** When each status is answered (README "Errors"). */
const WHEN: Readonly<Record<number, string>> = {
  400: 'Bad input: empty body, undecodable or truncated image, bad base64, wrong JSON shape, image too small or over limits.max_image_pixels, too many images.',
  401: 'A change without the configured bearer token.',
  403: 'A change from a non-loopback client when no token is configured.',
  404: 'Unknown route, classifier, gallery index or item.',
  413: 'Body over limits.max_body_bytes.',
  415: 'Not image/*, multipart/form-data or application/json.',
  422: 'Unknown option, or a value out of range.',
  500: 'A fault of the server (logged).',
  503: 'Overloaded (with Retry-After), or a model of the service is not ready (/readyz says which).',
  504: "The request's deadline passed.",
}

const schemas = new Map<number, z.ZodType>()

/** The body of an error answered with `status`: its code is one of those the status stands for. */
function nativeErrorSchema(status: number, codes: [string, ...string[]]): z.ZodType {
  let schema = schemas.get(status)
  if (!schema) {
    schema = z
      .strictObject({ error: z.strictObject({ code: z.enum(codes).describe('Stable, machine-readable.'), message: z.string().describe('What to change.') }) })
      .meta({ id: `Error${status}` })
    schemas.set(status, schema)
  }
  return schema
}

export function nativeErrorResponse(status: number): ApiResponse {
  const codes = codesWithStatus(status)
  if (codes.length === 0) throw new Error(`no error code is answered with HTTP ${status} (src/server/error-response.ts)`)
  const headers: Record<string, string> = status === 503 ? { 'Retry-After': 'Seconds to wait, when overloaded.' } : {}
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer'
  return {
    description: `${WHEN[status] ?? ''} Codes: ${codes.join(', ')}.`.trim(),
    content: { 'application/json': nativeErrorSchema(status, codes as [string, ...string[]]) },
    headers,
  }
}
