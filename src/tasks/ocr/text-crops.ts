/**
 * PaddleOCR's get_rotate_crop_image: each text quad is warped to an upright rectangle
 * (width ‖p0-p1‖, height ‖p0-p3‖, the longer of each opposite pair), and turned 90° when it is
 * at least 1.5 times taller than wide (vertical text). PaddleOCR warps with INTER_CUBIC; so do we.
 */
import { checkDerivedSize } from '../../vision/derived-size.js'
import type { Image, Quad } from '../../vision/image.js'
import { perspectiveCrop, textCropSize } from '../../vision/perspective-crop.js'
import { rotate90CounterClockwise } from '../../vision/rotate.js'

const VERTICAL_RATIO = 1.5

/** `maxPixels`: limits.max_image_pixels; a box whose crop would be larger is refused, not allocated. */
export function cropTextRegion(image: Image, quad: Quad, maxPixels = Infinity): Image {
  const { width, height } = textCropSize(quad)
  checkDerivedSize(width, height, maxPixels, 'a text-line crop', 'use a smaller unclip_ratio')
  const crop = perspectiveCrop(image, quad, Math.max(width, 1), Math.max(height, 1), 'bicubic')
  return crop.height / crop.width >= VERTICAL_RATIO ? rotate90CounterClockwise(crop) : crop
}
