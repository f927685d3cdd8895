/**
 * Drawn results on the shared request path: the `visualize` option, taken out of a request's
 * options before the task's strict schema (like `deadline_ms`), and the drawing of each image's
 * result (the task's `overlay`, rendered by vision/draw-overlay.ts) right after the task ran on
 * it, while its decoded pixels are still at hand: nothing is kept or drawn unless asked.
 */
import { z } from 'zod'
import type { RequestContext } from '../engine/request-context.js'
import { timeStage } from '../engine/stage-timer.js'
import { flag, parseOptions } from '../tasks/option-schema.js'
import type { AnyTask } from '../tasks/task.js'
import { drawOverlay, type DrawnImage } from '../vision/draw-overlay.js'
import type { Image } from '../vision/image.js'

/** How a protocol that can return drawn results wants them. */
export interface DrawSettings {
  /** Longest side of a drawn JPEG. */
  readonly maxSide: number
  readonly quality: number
  /** The part of a result to draw (PaddleX's OCR draws only the lines above its own threshold); default the whole. */
  readonly shown?: ((result: unknown) => unknown) | undefined
}

/** Draws one image's result; the time goes to the request's `draw` stage (Server-Timing `draw-postp`). */
export type ResultDrawer = (image: Image, result: unknown, options: unknown, ctx: RequestContext) => Promise<DrawnImage>

export const VisualizeSchema = z.strictObject({ visualize: flag().optional().describe('Also answer each image with its result drawn on it (a JPEG).') })

/** `visualize` as the options carry it (true, false, "true", "0", ...); invalid → InvalidOption naming it. */
export function parseVisualize(value: unknown): boolean | undefined {
  return value === undefined ? undefined : parseOptions(VisualizeSchema, { visualize: value }).visualize
}

/**
 * Splits `visualize` from the other options when the protocol can return drawings (`settings`)
 * and the task can draw; otherwise it stays, and the task's schema refuses it as an unknown
 * option. `drawer` is set only when the request asks.
 */
export function takeVisualize(
  definition: AnyTask,
  options: Record<string, unknown>,
  settings: DrawSettings | undefined,
): { options: Record<string, unknown>; drawer?: ResultDrawer } {
  const overlay = definition.overlay
  if (!settings || !overlay || !Object.hasOwn(options, 'visualize')) return { options }
  const { visualize, ...rest } = options
  if (!parseVisualize(visualize)) return { options: rest }
  const drawer: ResultDrawer = (image, result, taskOptions, ctx) =>
    timeStage(ctx, 'draw', 'postp', () =>
      ctx.guard(drawOverlay(image, overlay(settings.shown ? settings.shown(result) : result, taskOptions), settings)),
    )
  return { options: rest, drawer }
}
