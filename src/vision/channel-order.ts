import type { ChannelOrder, Image } from './image.js'

/** Return the image with its colour channels in `order`: the same object when already so. */
export function swapChannelOrder(img: Image, order: ChannelOrder): Image {
  if (img.order === order) return img
  if (img.channels !== 3) throw new RangeError(`swapChannelOrder needs 3 channels, got ${img.channels}`)
  const src = img.data
  const data = new Uint8Array(src.length)
  for (let i = 0; i < src.length; i += 3) {
    data[i] = src[i + 2]
    data[i + 1] = src[i + 1]
    data[i + 2] = src[i]
  }
  return { data, width: img.width, height: img.height, channels: 3, order }
}
