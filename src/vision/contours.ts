import type { Point } from './image.js'

/**
 * cv2.findContours(bitmap, RETR_LIST, CHAIN_APPROX_SIMPLE) for a 0/1 map: Suzuki–Abe border
 * following as OpenCV implements it (same start pixels, same tracing order, same pixel marks, same
 * compression to the points where the chain changes direction). Matching OpenCV's point order
 * matters downstream: it decides how minAreaRect breaks ties, which moves boxes by a pixel.
 * Foreground is 8-connected; the image is treated as surrounded by background.
 */
export interface ContourOptions {
  /** Also return hole (inner) borders, as RETR_LIST does. Default: outer borders only. */
  readonly holes?: boolean
  /**
   * 'scan': in the order the borders are found, i.e. raster order of their start pixel (default).
   * 'opencv': reversed, which is the order cv2.findContours returns for RETR_LIST.
   */
  readonly order?: 'scan' | 'opencv'
}

// Chain codes 0..7: right, up-right, up, up-left, left, down-left, down, down-right (y down).
const CODE_DX = [1, 1, 0, -1, -1, -1, 0, 1]
const CODE_DY = [0, -1, -1, -1, 0, 1, 1, 1]
/** Value OpenCV writes on a border pixel whose right neighbour is background (nbd | -128). */
const RIGHT_BOUND = -126
const VISITED = 2

export function findContours(bitmap: Uint8Array, width: number, height: number, options: ContourOptions = {}): Point[][] {
  if (bitmap.length !== width * height) {
    throw new RangeError(`findContours: bitmap has ${bitmap.length} values, expected ${width}x${height}`)
  }
  // One pixel of background all round (like OpenCV's copyMakeBorder) so neighbours never go out of range.
  const pw = width + 2
  const img = new Int8Array(pw * (height + 2))
  for (let y = 0; y < height; y++) {
    const s = y * width
    const d = (y + 1) * pw + 1
    for (let x = 0; x < width; x++) img[d + x] = bitmap[s + x] !== 0 ? 1 : 0
  }
  const deltas = new Int32Array(16)
  const base = [1, -pw + 1, -pw, -pw - 1, -1, pw - 1, pw, pw + 1]
  for (let i = 0; i < 16; i++) deltas[i] = base[i & 7]

  const contours: Point[][] = []
  for (let y = 1; y <= height; y++) {
    const row = y * pw
    let prev = 0
    for (let x = 1; x <= width; x++) {
      const p = img[row + x]
      if (p === prev) continue
      let isHole = false
      if (!(prev === 0 && p === 1)) {
        // A hole starts left of a background pixel whose left neighbour is not a right bound.
        if (p !== 0 || prev < 1) {
          prev = p
          continue
        }
        isHole = true
      }
      const start = row + x - (isHole ? 1 : 0)
      // Holes are traced even when not wanted: their marks stop later false starts.
      const points = traceBorder(img, start, isHole, deltas, pw)
      if (!isHole || options.holes === true) contours.push(points)
      prev = img[row + x] // OpenCV resumes with the (possibly re-marked) value of this pixel
    }
  }
  if (options.order === 'opencv') contours.reverse()
  return contours
}

/** icvFetchContour with CHAIN_APPROX_SIMPLE, marking pixels exactly as OpenCV does. */
function traceBorder(img: Int8Array, i0: number, isHole: boolean, deltas: Int32Array, pw: number): Point[] {
  const points: Point[] = []
  let x = (i0 % pw) - 1
  let y = Math.floor(i0 / pw) - 1
  const firstEnd = isHole ? 0 : 4
  let s = firstEnd
  let i1: number
  do {
    s = (s - 1) & 7
    i1 = i0 + deltas[s]
  } while (img[i1] === 0 && s !== firstEnd)

  if (s === firstEnd) {
    img[i0] = RIGHT_BOUND // single-pixel domain
    points.push([x, y])
    return points
  }
  let i3 = i0
  let i4 = i0
  let prevS = s ^ 4
  for (;;) {
    const sEnd = s
    while (s < 15) {
      i4 = i3 + deltas[++s]
      if (img[i4] !== 0) break
    }
    s &= 7
    if ((s - 1) >>> 0 < sEnd >>> 0) img[i3] = RIGHT_BOUND
    else if (img[i3] === 1) img[i3] = VISITED
    if (s !== prevS) {
      points.push([x, y])
      prevS = s
    }
    x += CODE_DX[s]
    y += CODE_DY[s]
    if (i4 === i0 && i3 === i1) break
    i3 = i4
    s = (s + 4) & 7
  }
  return points
}
