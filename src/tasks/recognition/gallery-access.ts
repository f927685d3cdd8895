/**
 * Who may change a gallery: with a token configured (config or PPSERVE_GALLERY_TOKEN), requests
 * must carry `Authorization: Bearer <token>`; without one, only clients on this machine (loopback)
 * may. Read routes are open like /recognize itself.
 */
import { timingSafeEqual } from 'node:crypto'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import { Forbidden, Unauthorized } from '../../engine/errors.js'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export function galleryWriteAccess(token: string | undefined): MiddlewareHandler {
  return async function galleryWriteAccess(c, next) {
    if (token) {
      const header = c.req.header('authorization') ?? ''
      const match = /^Bearer\s+(.+)$/i.exec(header)
      if (!match) throw new Unauthorized('changing a gallery needs Authorization: Bearer <token>')
      if (!sameSecret(match[1]!.trim(), token)) throw new Forbidden('the bearer token is not valid for this server')
    } else {
      const address = getConnInfo(c).remote.address ?? ''
      if (!LOOPBACK.has(address)) {
        throw new Forbidden(
          'no gallery token is configured, so galleries can only be changed from this machine (set services.recognize.gallery.token or PPSERVE_GALLERY_TOKEN)',
        )
      }
    }
    await next()
  }
}
