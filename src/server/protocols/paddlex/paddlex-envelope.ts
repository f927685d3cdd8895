/**
 * PaddleX serving's envelope (paddlex/inference/serving/infra/models.py): success is HTTP 200
 * `{"logId", "errorCode": 0, "errorMsg": "Success", "result"}`; a failure is
 * `{"logId", "errorCode", "errorMsg"}` with errorCode = the HTTP status (422 for a request that
 * does not fit the operation's schema). logId is the request's UUID.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { z } from 'zod'
import { InvalidInput, InvalidOption } from '../../../engine/errors.js'
import { clipText, quoteList } from '../../../util/quote.js'
import { statusOf } from '../../error-response.js'
import { envelopeError } from '../envelope-errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The request id (X-Request-Id) when it is a UUID, as PaddleX's logId is; else a new one. */
export function logIdOf(c: Context): string {
  const id = c.get('requestId') as string | undefined
  return id && UUID.test(id) ? id : randomUUID()
}

export function paddlexSuccess(c: Context, result: unknown): Response {
  return c.json({ logId: logIdOf(c), errorCode: 0, errorMsg: 'Success', result })
}

export function paddlexFailure(c: Context, error: unknown): Response {
  const failure = envelopeError(error, c)
  const status = statusOf(failure)
  return c.json({ logId: logIdOf(c), errorCode: status, errorMsg: failure.message }, status)
}

/** A route handler whose every failure is answered in the PaddleX envelope. */
export function paddlexOperation(handler: (c: Context) => Promise<Response>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c)
    } catch (error) {
      return paddlexFailure(c, error)
    }
  }
}

/** PaddleX's optional fields: absent or null. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish()

/**
 * The body checked against an operation's request schema (strict: a misspelt field is named,
 * not ignored); any mismatch is InvalidOption, answered 422 as PaddleX answers validation errors.
 */
export function parseOperationBody<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput(`${operation}: the body must be a JSON object`)
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${quoteList(issue.keys)}`
    const field = clipText(issue.path.map(String).join('.')) || '(body)'
    return `${field}: ${issue.message}`
  })
  throw new InvalidOption(`${operation}: ${problems.slice(0, 10).join('; ')}`)
}

/**
 * Error messages of the shared task path name native options (`limit_side_len: ...`); PaddleX
 * clients sent other field names, so the option names before a colon are replaced by them.
 */
export function withFieldNames<T>(names: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (!(error instanceof InvalidOption)) throw error
    let message = error.message
    for (const [native, field] of Object.entries(names)) message = message.replace(new RegExp(`\\b${native}(?=:)`, 'g'), field)
    throw new InvalidOption(message)
  })
}
