/**
 * The OCR task's three engine ops (det → cls → rec), built from their model packages: geometry,
 * labels and dictionary come from the packages' OCR sections (ocr-model-specs.ts), scheduling
 * from the config.
 */
import type { OpHandle } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import type { Image } from '../../vision/image.js'
import type { TaskKit } from '../task.js'
import { createClsOp, type ClsInput, type ClsOutput } from './cls-op.js'
import type { RecognizedText } from './ctc-decode.js'
import type { TextBox } from './db-postprocess.js'
import { createDetOp, type DetInput } from './det-op.js'
import type { OcrConfig } from './ocr-config.js'
import { clsSpecOf, detSpecOf, recSpecOf } from './ocr-model-specs.js'
import { createRecOp, type RecInput } from './rec-op.js'

export interface OcrOps {
  det: OpHandle<DetInput, TextBox[]>
  cls: OpHandle<ClsInput, ClsOutput>
  rec: OpHandle<RecInput, RecognizedText[]>
  channelOrder: Image['order']
}

/**
 * Widest text line fed to the recogniser (PaddleOCR has no cap; this bounds memory per crop).
 * A package whose RecResizeImg is wider raises it to that width.
 */
export const MAX_REC_WIDTH = 48 * 100

export async function registerOcrOps(kit: TaskKit, config: OcrConfig, det: Model, cls: Model, rec: Model): Promise<OcrOps> {
  const [detSpec, clsSpec, recSpec] = [detSpecOf(det), clsSpecOf(cls), await recSpecOf(rec, MAX_REC_WIDTH)]
  return {
    det: kit.registerOp(createDetOp(det, detSpec.normalization), det, config.ops.det),
    cls: kit.registerOp(createClsOp(cls, clsSpec), cls, config.ops.cls),
    rec: kit.registerOp(createRecOp(rec, recSpec), rec, config.ops.rec),
    channelOrder: det.pkg.manifest.channel_order,
  }
}
