/**
 * Drawn results on a task's own routes. `visualize=true` adds `visualizations` to the JSON answer:
 * one base64 JPEG per image, in the order of `results` (a parallel list, so `results` and every
 * answer without `visualize` stay exactly as before). `Accept: image/jpeg` answers the drawn JPEG
 * itself, for one image per request, and implies `visualize`.
 */
import type { Context } from 'hono'
import type { ServingConfig } from '../config/schema.js'
import { InvalidInput } from '../engine/errors.js'
import type { AnyTask } from '../tasks/task.js'
import type { DrawnImage } from '../vision/draw-overlay.js'
import { parseVisualize, type DrawSettings } from './visualize.js'

export interface NativeView {
  /** How results are drawn when asked (`visualize.max_side`, `visualize.jpeg_quality`). */
  readonly drawing: DrawSettings
  /** The request's options, with `visualize` implied by `Accept: image/jpeg`. */
  options(given: Record<string, unknown>): Record<string, unknown>
  /** The task's JSON answer, with `visualizations` when drawn; or the JPEG itself. */
  respond(c: Context, body: unknown, drawn: readonly DrawnImage[] | undefined): Response
}

/** Media types of an Accept header with their q values (the highest when one is listed twice). */
function preferences(accept: string): Map<string, number> {
  const q = new Map<string, number>()
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase())
    const weight = params.find((p) => p.startsWith('q='))
    const value = weight === undefined ? 1 : Number(weight.slice(2))
    if (Number.isFinite(value)) q.set(type, Math.max(q.get(type) ?? 0, value))
  }
  return q
}

/**
 * True when Accept names image/jpeg and prefers it to application/json (JSON wins a tie: it is the
 * answer every client got so far). Wildcard ranges (curl's default, browsers') do not count.
 */
export function prefersJpeg(accept: string | undefined): boolean {
  if (!accept) return false
  const q = preferences(accept)
  const jpeg = q.get('image/jpeg') ?? 0
  return jpeg > 0 && jpeg > (q.get('application/json') ?? 0)
}

export function nativeView(c: Context, config: ServingConfig, task: AnyTask, imageCount: number): NativeView {
  const asJpeg = prefersJpeg(c.req.header('accept'))
  if (asJpeg && !task.overlay) throw new InvalidInput(`Accept: image/jpeg asks for a drawn result; ${task.title} does not draw its results: accept application/json`)
  if (asJpeg && imageCount !== 1) {
    throw new InvalidInput(
      `Accept: image/jpeg answers one drawn image; this request has ${imageCount} images: send one per request, or accept application/json with visualize=true (one JPEG per image in "visualizations")`,
    )
  }
  return {
    drawing: { maxSide: config.visualize.max_side, quality: config.visualize.jpeg_quality },
    options(given) {
      if (!asJpeg) return given
      if (given.visualize === undefined) return { ...given, visualize: true }
      if (!parseVisualize(given.visualize)) throw new InvalidInput('Accept: image/jpeg asks for the drawn result and visualize=false for none: drop one of them')
      return given
    },
    respond(c, body, drawn) {
      if (asJpeg) return c.body(new Uint8Array(drawn![0]!.jpeg), 200, { 'Content-Type': 'image/jpeg' })
      if (!drawn) return c.json(body)
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new Error(`task ${task.name} formats its answer as ${Array.isArray(body) ? 'a list' : typeof body}: visualizations need a JSON object`)
      }
      return c.json({ ...body, visualizations: drawn.map((d) => d.jpeg.toString('base64')) })
    },
  }
}
