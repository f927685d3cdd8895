/**
 * The server the browser tests drive: the protocol tests' three tasks on real models
 * (../helpers/paddle-protocols-env.ts), with a smaller drink gallery (the first 60 images, built on
 * first start) so the set-up stays short on 2 cores.
 */
import { startProtocolEnv, type ProtocolEnv } from '../helpers/paddle-protocols-env.js'

const GALLERY_IMAGES = 60

export type PageEnv = ProtocolEnv

export function startPageEnv(): Promise<PageEnv> {
  return startProtocolEnv(GALLERY_IMAGES)
}
