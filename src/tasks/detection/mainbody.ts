/**
 * PP-ShiTu mainbody selection (PaddleClas deploy `predict_det.py` + `predict_system.py`): of the
 * detector's boxes keep the `maxDetResults` best by score, drop those scoring below `threshold`,
 * then always append the whole image as one more box with score 1, so recognition still runs
 * when the detector finds nothing (or misses the object). Boxes of `ignoreLabels` are dropped
 * first (a COCO stand-in's people and cars would otherwise take the top slots from products).
 */
import type { OpHandle } from '../../engine/op.js'
import type { RequestContext } from '../../engine/request-context.js'
import type { Image } from '../../vision/image.js'
import type { DetectInput } from './detect-op.js'
import type { Detection } from './picodet-postprocess.js'

export interface MainbodyOptions {
  /** PaddleClas `Global.max_det_results`. */
  readonly maxDetResults: number
  /** PaddleClas `Global.threshold`: boxes scoring below it are dropped. */
  readonly threshold: number
  /** Label of the whole-image box (the mainbody detector's single class). */
  readonly wholeImageLabel: string
  /** Detector classes that are never a mainbody (the package's `Mainbody.ignore_labels`). */
  readonly ignoreLabels: readonly string[]
}

export const DEFAULT_MAINBODY_OPTIONS: MainbodyOptions = { maxDetResults: 5, threshold: 0.2, wholeImageLabel: 'foreground', ignoreLabels: [] }

/** The selected boxes, best first, then the whole `width × height` image. */
export function selectMainbody(detections: readonly Detection[], size: { readonly width: number; readonly height: number }, options: MainbodyOptions = DEFAULT_MAINBODY_OPTIONS): Detection[] {
  const ignored = new Set(options.ignoreLabels)
  const best = detections.filter((d) => !ignored.has(d.label)).sort((a, b) => b.score - a.score).slice(0, options.maxDetResults)
  const kept = best.filter((d) => !(d.score < options.threshold))
  const whole: Detection = { classId: 0, label: options.wholeImageLabel, score: 1, box: [0, 0, size.width, size.height] }
  return [...kept, whole]
}

/** Runs a registered detection op and applies the PP-ShiTu selection to its boxes. */
export class MainbodyDetector {
  readonly options: MainbodyOptions

  constructor(
    private readonly op: OpHandle<DetectInput, Detection[]>,
    options: Partial<MainbodyOptions> = {},
  ) {
    this.options = { ...DEFAULT_MAINBODY_OPTIONS, ...options }
  }

  /** The selected boxes for one image; `overrides` adjust the selection per request. */
  async detect(image: Image, ctx: RequestContext, overrides: Partial<MainbodyOptions> = {}): Promise<Detection[]> {
    const detections = await this.op.run({ image }, ctx)
    return selectMainbody(detections, image, { ...this.options, ...overrides })
  }
}
