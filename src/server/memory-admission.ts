/**
 * What a request reserves from the memory budget (src/engine/memory-budget.ts) before any image is
 * decoded, from the images' headers alone: per image the decoded pixels and one working copy of
 * the same size, plus what the task derives from it (TaskService.workingBytes: the text detector's
 * activations, crops). Buffers of a fixed size per model instance (a 224×224 tensor, one text
 * line) are bounded by instances × batch size, not by requests, and are not counted.
 */
import os from 'node:os'
import type { Engine } from '../engine/engine.js'
import type { RequestContext } from '../engine/request-context.js'
import { timeStage } from '../engine/stage-timer.js'
import { readImageSize, type DecodeLimits, type ImageSize } from '../vision/decode.js'

/**
 * sharp's decode peaks at 3.25 bytes per pixel (measured on a 6000×6000 JPEG: libvips streams it
 * into the 3-byte output); a channel swap or the crops of a whole photo make one more copy.
 */
export const DECODED_BYTES_PER_PIXEL = 6

/**
 * A quarter of the memory the process may use (the machine's, or the cgroup's limit when lower):
 * room for the models, the runtime and the allocator's slack stays beside it.
 */
export function defaultMemoryBudgetBytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0
  const usable = constrained > 0 ? Math.min(constrained, os.totalmem()) : os.totalmem()
  return Math.floor(usable / 4)
}

/** Working bytes the task derives from one image of this size (0 when only fixed-size buffers). */
export type WorkingBytes = (size: ImageSize) => number

/**
 * Reads every image's size from its header (an undecodable or oversized image fails here, before
 * anything is allocated) and reserves their bytes for `ctx`, timed as the `memory` stage.
 */
export function reserveForImages(engine: Engine, ctx: RequestContext, images: readonly Uint8Array[], limits: DecodeLimits, working: WorkingBytes = () => 0): Promise<void> {
  return timeStage(ctx, 'memory', 'in', async () => {
    const sizes = await ctx.guard(Promise.all(images.map((bytes) => readImageSize(bytes, limits))))
    const bytes = sizes.reduce((sum, size) => sum + DECODED_BYTES_PER_PIXEL * size.width * size.height + working(size), 0)
    await engine.memory.reserve(ctx, bytes, images.length === 1 ? 'this image' : `these ${images.length} images`)
  })
}

/**
 * Like Promise.all, but settles only when every item's work has ended, so the request's memory
 * stays reserved while a sibling of a failed image is still decoding or running; then throws the
 * first failure.
 */
export async function allSettled<T>(work: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(work)
  const failed = outcomes.find((o) => o.status === 'rejected')
  if (failed) throw failed.reason
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value)
}
