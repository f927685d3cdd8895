/**
 * What every PaddleX operation reads from the config, once: whether and how large to draw result
 * images (drawn on the shared request path by the task's own overlay, as `visualize` on the
 * native routes draws them), and how `file` / `image` URLs may be fetched.
 */
import type { Context } from 'hono'
import sharp from 'sharp'
import { InvalidInput } from '../../../engine/errors.js'
import { DEFAULT_JPEG_QUALITY } from '../../../vision/draw-overlay.js'
import type { Services } from '../../services.js'
import type { TaskAnswer } from '../../task-request.js'
import type { DrawSettings } from '../../visualize.js'
import type { UrlFetchSettings } from './file-input.js'
import type { PaddleXConfig } from './paddlex-config.js'

export interface PaddleXSettings {
  readonly config: PaddleXConfig
  /** URL fetching for this request (its signal aborts the fetch when the client goes away). */
  fetch(c: Context): UrlFetchSettings
  /** The task options that ask for a result image: the request's `visualize`, else the config's. */
  visualize(requested: boolean | null | undefined): { visualize: boolean }
  /** Result images bounded by max_visualize_side; `shown` narrows what is drawn of a result. */
  drawing(shown?: DrawSettings['shown']): DrawSettings
}

export function paddlexSettings(services: Services): PaddleXSettings {
  const config = services.config.protocols.paddlex
  const { limits } = services.config
  return {
    config,
    fetch: (c) => ({ allowlist: config.url_allowlist, maxBytes: limits.max_body_bytes, timeoutMs: config.url_timeout_ms, signal: c.req.raw.signal }),
    visualize: (requested) => ({ visualize: requested ?? config.visualize }),
    drawing: (shown) => ({ maxSide: config.max_visualize_side, quality: DEFAULT_JPEG_QUALITY, shown }),
  }
}

/** The (one) image's drawn result as base64 JPEG, or null when it was not asked for. */
export function resultImage(answer: TaskAnswer): string | null {
  return answer.drawn?.[0]?.jpeg.toString('base64') ?? null
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
