/**
 * What adapters whose envelope carries errors in the body (HTTP 200, as Paddle's servers answer)
 * share: the JSON body read whatever its Content-Type (Paddle's pipeline clients send none), and
 * one typed error per failure, logged the way error-response.ts logs native errors.
 */
import type { Context } from 'hono'
import { InvalidInput, Overloaded, ServingError } from '../../engine/errors.js'
import { log } from '../../util/log.js'
import { clientDisconnect, statusOf } from '../error-response.js'
import { checkJsonDepth } from '../input-limits.js'
import { labelOutcome } from '../request-labels.js'

/** The body parsed as JSON; an empty, malformed or too deeply nested body is InvalidInput. */
export async function readJsonBody(c: Context, example: string): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') throw new InvalidInput(`request body is empty; send JSON like ${example}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new InvalidInput(`body is not valid JSON (${(error as Error).message}); send JSON like ${example}`, { cause: error })
  }
  checkJsonDepth(value)
  return value
}

/**
 * The failure as a ServingError, logged: faults of the server itself as errors (an unknown error
 * with its stack, answered without internals), operating conditions at debug. Sets Retry-After
 * when overloaded, for clients that look at headers. The request metrics count its code as the
 * request's outcome, whatever HTTP status the envelope goes out with.
 */
export function envelopeError(thrown: unknown, c: Context): ServingError {
  const error = clientDisconnect(thrown, c) ?? thrown
  if (!(error instanceof ServingError)) {
    log.error(`unhandled error on ${c.req.method} ${c.req.path}`, { stack: (error as Error)?.stack ?? String(error) })
    labelOutcome(c, 'internal')
    return new ServingError('internal', 'internal server error')
  }
  labelOutcome(c, error.code)
  if (statusOf(error) === 500) log.error(`${c.req.method} ${c.req.path} failed: ${error.message}`, { code: error.code })
  else log.debug(`${c.req.method} ${c.req.path} → ${error.code}: ${error.message}`)
  if (error instanceof Overloaded) c.header('Retry-After', String(error.retryAfterS))
  return error
}
