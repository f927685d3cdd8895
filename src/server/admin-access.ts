/**
 * Who may use a route that changes the server (gallery items, loaded models): with a token
 * configured, requests must carry `Authorization: Bearer <token>`; without one, only clients on
 * this machine (loopback) may. Messages name the action and the setting that opens it up.
 */
import { timingSafeEqual } from 'node:crypto'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import { Forbidden, Unauthorized } from '../engine/errors.js'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export interface AdminAccessMessages {
  /** 401 without a bearer token, e.g. "changing a gallery needs Authorization: Bearer <token>". */
  readonly needsToken: string
  /** 403 for a remote client when no token is configured; names the setting that allows it. */
  readonly localOnly: string
}

export function adminAccess(token: string | undefined, messages: AdminAccessMessages): MiddlewareHandler {
  return async function adminAccess(c, next) {
    if (token) {
      const header = c.req.header('authorization') ?? ''
      const match = /^Bearer\s+(.+)$/i.exec(header)
      if (!match) throw new Unauthorized(messages.needsToken)
      if (!sameSecret(match[1]!.trim(), token)) throw new Forbidden('the bearer token is not valid for this server')
    } else {
      const address = getConnInfo(c).remote.address ?? ''
      if (!LOOPBACK.has(address)) throw new Forbidden(messages.localOnly)
    }
    await next()
  }
}
