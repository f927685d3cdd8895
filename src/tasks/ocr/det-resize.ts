/**
 * PaddleOCR's DetResizeForTest (resize_image_type0): scale so the long side (limit_type max) is at
 * most, or the short side (min) at least, `limitSideLen`, then round each side to a multiple of
 * 32 (the DB network downsamples by 32), never below 32.
 */
export type LimitType = 'max' | 'min'

export interface DetResize {
  readonly width: number
  readonly height: number
}

function roundTo32(side: number): number {
  return Math.max(Math.round(side / 32) * 32, 32)
}

/** The size before rounding to 32: `max` never enlarges, `min` may enlarge the long side a lot. */
export function detScaledSize(width: number, height: number, limitSideLen: number, limitType: LimitType): DetResize {
  let ratio = 1
  if (limitType === 'max') {
    if (Math.max(width, height) > limitSideLen) ratio = limitSideLen / Math.max(width, height)
  } else if (Math.min(width, height) < limitSideLen) {
    ratio = limitSideLen / Math.min(width, height)
  }
  return { width: Math.trunc(width * ratio), height: Math.trunc(height * ratio) }
}

export function detResizeShape(width: number, height: number, limitSideLen: number, limitType: LimitType): DetResize {
  const scaled = detScaledSize(width, height, limitSideLen, limitType)
  return { width: roundTo32(scaled.width), height: roundTo32(scaled.height) }
}
