/**
 * Each OpenCV call the OCR pipeline reproduces, as a pair: our hand-ported code and the same call
 * through opencv-js, on the same input. The opencv side includes copying into and out of cv.Mat
 * (and JS arrays where the pipeline needs them), since a switch would pay that too.
 */
import { perspectiveCrop, textCropSize } from '../../src/vision/perspective-crop.js'
import { findContours } from '../../src/vision/contours.js'
import type { Image, Point, Quad } from '../../src/vision/image.js'
import { minAreaRect } from '../../src/vision/min-area-rect.js'
import { meanInsidePolygon } from '../../src/vision/polygon.js'
import { resizeImage } from '../../src/vision/resize.js'
import { f32 } from '../../src/vision/rounding.js'
import { compareContours, compareNumberLists, compareNumbers, type Exactness } from './opencv-exact.js'
import type { OpenCv } from './opencv-load.js'
import type { OcrStepInputs } from './opencv-inputs.js'

export interface OpPair<O> {
  readonly name: string
  /** The OpenCV call(s) reproduced, as PaddleOCR makes them. */
  readonly call: string
  /** What one run of the op works on per image, for the table: `items(input)` of `unit`. */
  readonly items: (input: OcrStepInputs) => number
  readonly itemUnit: string
  /** What the exactness counts. */
  readonly unit: string
  readonly ours: (input: OcrStepInputs) => O
  readonly opencv: (input: OcrStepInputs) => O
  readonly compare: (into: Exactness, ours: O, theirs: O) => void
}

/** Erases the output type so ops of different outputs fit one list. */
const op = <O>(pair: OpPair<O>): OpPair<unknown> => pair as unknown as OpPair<unknown>

function imageMat(cv: OpenCv, img: Image) {
  const mat = new cv.Mat(img.height, img.width, img.channels === 3 ? cv.CV_8UC3 : cv.CV_8UC1)
  mat.data.set(img.data)
  return mat
}

/** cv2.resize(img, (w, h)) with INTER_LINEAR, pixels copied back out. */
function cvResize(cv: OpenCv, img: Image, width: number, height: number): Uint8Array {
  const src = imageMat(cv, img)
  const dst = new cv.Mat()
  try {
    cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR)
    return dst.data.slice()
  } finally {
    src.delete()
    dst.delete()
  }
}

function cvContours(cv: OpenCv, bitmap: Uint8Array, width: number, height: number): Point[][] {
  const src = new cv.Mat(height, width, cv.CV_8UC1)
  const contours = new cv.MatVector()
  const hierarchy = new cv.Mat()
  try {
    src.data.set(bitmap)
    cv.findContours(src, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE)
    const out: Point[][] = []
    for (let i = 0; i < contours.size(); i++) {
      const c = contours.get(i)
      const d = c.data32S
      const points: Point[] = new Array(d.length >> 1)
      for (let j = 0; j < points.length; j++) points[j] = [d[2 * j]!, d[2 * j + 1]!]
      out.push(points)
      c.delete()
    }
    return out
  } finally {
    src.delete()
    contours.delete()
    hierarchy.delete()
  }
}

/** cv2.boxPoints(cv2.minAreaRect(contour)) per contour, 8 floats each. */
function cvMinAreaRects(cv: OpenCv, contours: readonly Point[][]): Float64Array {
  const out = new Float64Array(contours.length * 8)
  contours.forEach((contour, i) => {
    const flat = new Int32Array(contour.length * 2)
    contour.forEach(([x, y], j) => flat.set([x, y], 2 * j))
    const mat = cv.matFromArray(contour.length, 1, cv.CV_32SC2, flat)
    try {
      cv.boxPoints(cv.minAreaRect(mat)).forEach((p, k) => out.set([p.x, p.y], i * 8 + 2 * k))
    } finally {
      mat.delete()
    }
  })
  return out
}

/** PaddleOCR's box_score_fast: fillPoly into a box-sized mask, then cv2.mean of the map under it. */
function cvBoxScores(cv: OpenCv, map: OcrStepInputs['map'], boxes: readonly Quad[]): Float64Array {
  const { width: w, height: h } = map
  const pred = new cv.Mat(h, w, cv.CV_32FC1)
  pred.data32F.set(map.data)
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi)
  try {
    return Float64Array.from(boxes, (box) => {
      const xs = box.map((p) => p[0])
      const ys = box.map((p) => p[1])
      const xmin = clip(Math.floor(Math.min(...xs)), w - 1)
      const xmax = clip(Math.ceil(Math.max(...xs)), w - 1)
      const ymin = clip(Math.floor(Math.min(...ys)), h - 1)
      const ymax = clip(Math.ceil(Math.max(...ys)), h - 1)
      // numpy: (box - [xmin, ymin]) in float32, then astype(int32) truncates.
      const pts = box.flatMap(([x, y]) => [Math.trunc(f32(x - xmin)), Math.trunc(f32(y - ymin))])
      const mask = cv.Mat.zeros(ymax - ymin + 1, xmax - xmin + 1, cv.CV_8UC1)
      const poly = cv.matFromArray(4, 1, cv.CV_32SC2, pts)
      const polys = new cv.MatVector()
      const roi = pred.roi(new cv.Rect(xmin, ymin, xmax - xmin + 1, ymax - ymin + 1))
      try {
        polys.push_back(poly)
        cv.fillPoly(mask, polys, new cv.Scalar(1))
        return cv.mean(roi, mask)[0]!
      } finally {
        for (const m of [mask, poly, polys, roi]) m.delete()
      }
    })
  } finally {
    pred.delete()
  }
}

function cropSize(quad: Quad): { width: number; height: number } {
  const { width, height } = textCropSize(quad)
  return { width: Math.max(width, 1), height: Math.max(height, 1) }
}

/** get_rotate_crop_image's getPerspectiveTransform + warpPerspective(INTER_CUBIC, BORDER_REPLICATE). */
function cvCrops(cv: OpenCv, img: Image, quads: readonly Quad[]): Uint8Array[] {
  const src = imageMat(cv, img)
  try {
    return quads.map((quad) => {
      const { width, height } = cropSize(quad)
      const from = cv.matFromArray(4, 1, cv.CV_32FC2, quad.flat())
      const to = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, width, 0, width, height, 0, height])
      const m = cv.getPerspectiveTransform(from, to)
      const dst = new cv.Mat()
      try {
        cv.warpPerspective(src, dst, m, new cv.Size(width, height), cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar())
        return dst.data.slice()
      } finally {
        for (const mat of [from, to, m, dst]) mat.delete()
      }
    })
  } finally {
    src.delete()
  }
}

export function opPairs(cv: OpenCv): Array<OpPair<unknown>> {
  return [
    op<Uint8Array>({
      name: 'det resize',
      call: 'cv2.resize(img, (w, h)) INTER_LINEAR, DetResizeForTest size',
      items: () => 1,
      itemUnit: 'image',
      unit: 'px values',
      ours: (s) => resizeImage(s.image, s.det.width, s.det.height, 'bilinear').data,
      opencv: (s) => cvResize(cv, s.image, s.det.width, s.det.height),
      compare: compareNumbers,
    }),
    op<Point[][]>({
      name: 'contours',
      call: 'cv2.findContours(bitmap, RETR_LIST, CHAIN_APPROX_SIMPLE)',
      items: () => 1,
      itemUnit: 'map',
      unit: 'contours',
      ours: (s) => findContours(s.bitmap, s.map.width, s.map.height, { holes: true, order: 'opencv' }),
      opencv: (s) => cvContours(cv, s.bitmap, s.map.width, s.map.height),
      compare: compareContours,
    }),
    op<Float64Array>({
      name: 'minAreaRect',
      call: 'cv2.boxPoints(cv2.minAreaRect(contour)) per contour',
      items: (s) => s.contours.length,
      itemUnit: 'contours',
      unit: 'floats',
      ours: (s) => Float64Array.from(s.contours.flatMap((c) => minAreaRect(c).corners.flat())),
      opencv: (s) => cvMinAreaRects(cv, s.contours),
      compare: compareNumbers,
    }),
    op<Float64Array>({
      name: 'box score',
      call: 'box_score_fast: cv2.fillPoly + cv2.mean per candidate',
      items: (s) => s.candidates.length,
      itemUnit: 'boxes',
      unit: 'scores',
      ours: (s) => Float64Array.from(s.candidates, (q) => meanInsidePolygon(s.map.data, s.map.width, s.map.height, q)),
      opencv: (s) => cvBoxScores(cv, s.map, s.candidates),
      compare: compareNumbers,
    }),
    op<Uint8Array[]>({
      name: 'text crops',
      call: 'getPerspectiveTransform + warpPerspective INTER_CUBIC, BORDER_REPLICATE',
      items: (s) => s.quads.length,
      itemUnit: 'boxes',
      unit: 'px values',
      ours: (s) =>
        s.quads.map((q) => {
          const { width, height } = cropSize(q)
          return perspectiveCrop(s.image, q, width, height, 'bicubic').data
        }),
      opencv: (s) => cvCrops(cv, s.image, s.quads),
      compare: compareNumberLists,
    }),
    op<Uint8Array[]>({
      name: 'rec line resize',
      call: 'cv2.resize(crop, (ceil(48 w/h), 48)) INTER_LINEAR',
      items: (s) => s.lines.length,
      itemUnit: 'lines',
      unit: 'px values',
      ours: (s) => s.lines.map((l) => resizeImage(l.crop, l.width, l.height, 'bilinear').data),
      opencv: (s) => s.lines.map((l) => cvResize(cv, l.crop, l.width, l.height)),
      compare: compareNumberLists,
    }),
  ]
}
