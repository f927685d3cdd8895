/**
 * Who may change a gallery: with a token configured (config or PPSERVE_GALLERY_TOKEN), requests
 * must carry `Authorization: Bearer <token>`; without one, only clients on this machine (loopback)
 * may. Read routes are open like /recognize itself.
 */
import type { MiddlewareHandler } from 'hono'
import { adminAccess } from '../../server/admin-access.js'

export function galleryWriteAccess(token: string | undefined): MiddlewareHandler {
  return adminAccess(token, {
    needsToken: 'changing a gallery needs Authorization: Bearer <token>',
    localOnly: 'no gallery token is configured, so galleries can only be changed from this machine (set services.recognize.gallery.token or PPSERVE_GALLERY_TOKEN)',
  })
}
