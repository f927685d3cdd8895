import type { ChannelOrder, Image } from '../../src/vision/image.js'

/** A tiny image from row-major values (channels interleaved). */
export function imageOf(width: number, height: number, channels: number, values: readonly number[], order: ChannelOrder = 'rgb'): Image {
  if (values.length !== width * height * channels) throw new RangeError('imageOf: wrong number of values')
  return { data: Uint8Array.from(values), width, height, channels, order }
}

export function pixels(img: Image): number[] {
  return Array.from(img.data)
}
