/**
 * The inputs the OCR service really hands its OpenCV-like steps, per demo image: the decoded
 * image and its det input size, the DB probability map from the real det model, the contours and
 * candidate boxes of that map, the text boxes found, and their line crops.
 */
import path from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { RequestContext } from '../../src/engine/request-context.js'
import { Model } from '../../src/runtime/model.js'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import { requireSection } from '../../src/runtime/manifest-sections.js'
import { createOrtSession } from '../../src/runtime/ort-session.js'
import { DEFAULT_SESSION_OPTIONS } from '../../src/runtime/session.js'
import { createDetOp } from '../../src/tasks/ocr/det-op.js'
import type { DbParams, ProbabilityMap } from '../../src/tasks/ocr/db-postprocess.js'
import { detResizeShape } from '../../src/tasks/ocr/det-resize.js'
import { RecResizeImgSection } from '../../src/tasks/ocr/manifest-sections.js'
import { detDefaultsOf, detSpecOf } from '../../src/tasks/ocr/ocr-model-specs.js'
import { MAX_REC_WIDTH } from '../../src/tasks/ocr/ocr-ops.js'
import { cropTextRegion } from '../../src/tasks/ocr/text-crops.js'
import { textLineWidth } from '../../src/tasks/ocr/text-line-resize.js'
import { findContours } from '../../src/vision/contours.js'
import { decodeImage } from '../../src/vision/decode.js'
import type { Image, Point, Quad } from '../../src/vision/image.js'
import { miniBox } from '../../src/vision/mini-box.js'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'
import { STANDALONE_CALL } from '../../src/engine/batch-call.js'

/** A text-line crop and the size the recogniser resizes it to. */
export interface LineInput {
  readonly crop: Image
  readonly width: number
  readonly height: number
}

export interface OcrStepInputs {
  readonly name: string
  readonly image: Image
  /** DetResizeForTest's target size for this image. */
  readonly det: { readonly width: number; readonly height: number }
  readonly map: ProbabilityMap
  /** The map binarised at DB thresh, 0/1, as findContours gets it. */
  readonly bitmap: Uint8Array
  /** The first max_candidates contours, which minAreaRect gets. */
  readonly contours: Point[][]
  /** get_mini_boxes of those contours that are not too small: what box_score_fast gets. */
  readonly candidates: Quad[]
  /** The final text boxes (original-image pixels), which get warped to line crops. */
  readonly quads: Quad[]
  readonly lines: LineInput[]
}

/** Everything from the project's own code: config, decode, det op (model included), crops. */
export async function captureOcrInputs(images: readonly BenchImage[], configFile: string): Promise<OcrStepInputs[]> {
  const { config } = await loadConfig(configFile)
  const ocr = config.services.ocr
  const detPkg = await loadModelPackage(path.join(config.models.dir, ocr.models.det))
  const recPkg = await loadModelPackage(path.join(config.models.dir, ocr.models.rec))
  const [, recHeight, recWidth] = requireSection(recPkg, RecResizeImgSection).image_shape
  const recMaxWidth = Math.max(MAX_REC_WIDTH, recWidth)
  const defaults = detDefaultsOf(detPkg)
  const limitSideLen = ocr.det.limit_side_len ?? defaults.limitSideLen
  const limitType = ocr.det.limit_type ?? defaults.limitType
  const db: DbParams = {
    thresh: ocr.det.thresh ?? defaults.db.thresh,
    boxThresh: ocr.det.box_thresh ?? defaults.db.boxThresh,
    unclipRatio: ocr.det.unclip_ratio ?? defaults.db.unclipRatio,
    maxCandidates: ocr.det.max_candidates ?? defaults.db.maxCandidates,
  }
  const limits = { maxPixels: config.limits.max_image_pixels, minSide: config.limits.min_image_side }
  const model = Model.attach(detPkg, await createOrtSession(detPkg.modelPath, DEFAULT_SESSION_OPTIONS))
  const op = createDetOp(model, detSpecOf(model).normalization)
  const out: OcrStepInputs[] = []
  try {
    for (const [i, file] of images.entries()) {
      progress(`inputs: det model on ${file.name} (${i + 1}/${images.length})`)
      const image = await decodeImage(file.bytes, limits, detPkg.manifest.channel_order)
      const input = { image, limitSideLen, limitType, db }
      const ctx = new RequestContext({ deadlineMs: 120_000 })
      let map: ProbabilityMap | undefined
      let boxes
      try {
        // The op's three stages as the engine runs them for one request.
        const items = await op.preprocess(input, ctx)
        ;[map] = (await op.process(items, STANDALONE_CALL)) as ProbabilityMap[]
        boxes = await op.postprocess(input, [map!], items, ctx)
      } finally {
        ctx.dispose() // its deadline timer would keep the process alive
      }
      const bitmap = Uint8Array.from(map!.data, (v) => (v > db.thresh ? 1 : 0))
      const contours = findContours(bitmap, map!.width, map!.height, { holes: true, order: 'opencv' }).slice(0, db.maxCandidates)
      const candidates = contours.map(miniBox).filter((box) => box.shortSide >= 3).map((box) => box.box)
      const quads = boxes.map((box) => box.quad)
      const lines = quads.map((quad): LineInput => {
        const crop = cropTextRegion(image, quad, limits.maxPixels)
        return { crop, width: textLineWidth(crop, recHeight, recMaxWidth), height: recHeight }
      })
      const det = detResizeShape(image.width, image.height, limitSideLen, limitType)
      out.push({ name: file.name, image, det, map: map!, bitmap, contours, candidates, quads, lines })
    }
  } finally {
    progressDone()
    await model.close()
  }
  return out
}
