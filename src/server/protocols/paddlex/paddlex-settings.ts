/**
 * What every PaddleX operation reads from the config, once: whether and how large to draw result
 * images, and how `file` / `image` URLs may be fetched.
 */
import type { Context } from 'hono'
import sharp from 'sharp'
import { InvalidInput } from '../../../engine/errors.js'
import { drawOverlay, type OverlayLayout, type OverlayShape } from '../../../vision/draw-overlay.js'
import type { Services } from '../../services.js'
import type { UrlFetchSettings } from './file-input.js'
import type { PaddleXConfig } from './paddlex-config.js'

export interface PaddleXSettings {
  readonly config: PaddleXConfig
  readonly maxPixels: number
  /** URL fetching for this request (its signal aborts the fetch when the client goes away). */
  fetch(c: Context): UrlFetchSettings
}

export function paddlexSettings(services: Services): PaddleXSettings {
  const config = services.config.protocols.paddlex
  const { limits } = services.config
  return {
    config,
    maxPixels: limits.max_image_pixels,
    fetch: (c) => ({ allowlist: config.url_allowlist, maxBytes: limits.max_body_bytes, timeoutMs: config.url_timeout_ms, signal: c.req.raw.signal }),
  }
}

/** The drawn result image as base64 JPEG, or null when not asked for (request, then config). */
export async function resultImage(
  bytes: Uint8Array,
  shapes: readonly OverlayShape[],
  visualize: boolean | null | undefined,
  settings: PaddleXSettings,
  layout: OverlayLayout = 'tags',
): Promise<string | null> {
  if (!(visualize ?? settings.config.visualize)) return null
  const drawn = await drawOverlay(bytes, shapes, { layout, maxSide: settings.config.max_visualize_side, maxPixels: settings.maxPixels })
  return drawn.jpeg.toString('base64')
}

/** PaddleX's dataInfo for an image: its size as the models saw it (EXIF orientation applied). */
export async function imageDataInfo(bytes: Uint8Array): Promise<{ width: number; height: number; type: 'image' }> {
  try {
    const { autoOrient } = await sharp(bytes, { limitInputPixels: false }).metadata()
    return { width: autoOrient.width, height: autoOrient.height, type: 'image' }
  } catch (error) {
    throw new InvalidInput(`cannot read the image header: ${(error as Error).message}`, { cause: error })
  }
}
