/**
 * Text detection op: DetResizeForTest + normalisation (preprocess), the DB network (process),
 * DB postprocess + reading-order sort (postprocess).
 */
import type { BatchCall } from '../../engine/batch-call.js'
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import { splitBatch, stackBatch } from '../../runtime/tensor.js'
import type { Image } from '../../vision/image.js'
import { normalizeToChw, type NormalizeSpec } from '../../vision/normalize.js'
import { resizeImage } from '../../vision/resize.js'
import { sortBoxesReadingOrder } from './box-sort.js'
import { dbPostprocess, type DbParams, type ProbabilityMap, type TextBox } from './db-postprocess.js'
import { detResizeShape, type LimitType } from './det-resize.js'

export interface DetInput {
  readonly image: Image
  readonly limitSideLen: number
  readonly limitType: LimitType
  readonly db: DbParams
}

interface DetItem {
  readonly chw: Float32Array
  readonly width: number
  readonly height: number
}

/** Runs one model call per distinct input size: images of different sizes cannot share a tensor. */
async function runGroupedBySize(model: Model, batch: readonly DetItem[], call: BatchCall): Promise<ProbabilityMap[]> {
  const groups = new Map<string, number[]>()
  batch.forEach((item, i) => {
    const key = `${item.width}x${item.height}`
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  const maps: ProbabilityMap[] = new Array(batch.length)
  for (const indices of groups.values()) {
    const { width, height } = batch[indices[0]!]!
    const input = stackBatch(
      indices.map((i) => batch[i]!.chw),
      [3, height, width],
    )
    const { prob_map: probMap } = await model.run({ image: input }, call)
    const [, , mapHeight = 0, mapWidth = 0] = probMap!.dims
    splitBatch(probMap!).forEach((data, k) => {
      maps[indices[k]!] = { data, width: mapWidth, height: mapHeight }
    })
  }
  return maps
}

export function createDetOp(model: Model, normalization: NormalizeSpec): Op<DetInput, DetItem, ProbabilityMap, TextBox[]> {
  return {
    name: 'det',
    preprocess(input) {
      const { width, height } = detResizeShape(input.image.width, input.image.height, input.limitSideLen, input.limitType)
      const resized = resizeImage(input.image, width, height, 'bilinear')
      return [{ chw: normalizeToChw(resized, normalization), width, height }]
    },
    process: (batch, call) => runGroupedBySize(model, batch, call),
    postprocess(input, [map]) {
      return sortBoxesReadingOrder(dbPostprocess(map!, input.image.width, input.image.height, input.db))
    },
  }
}
