/**
 * Bytes → 8-bit 3-channel image with sharp: EXIF orientation applied, alpha dropped, grey expanded
 * to three channels, and a pixel limit checked from the header before any pixel is decoded
 * (decompression bombs). Every failure is an InvalidInput with a message a client can act on.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp'
import { InvalidInput } from '../engine/errors.js'
import type { ChannelOrder, Image } from './image.js'
import { swapChannelOrder } from './channel-order.js'

export interface DecodeLimits {
  /** Largest width×height accepted, read from the header before decoding. */
  readonly maxPixels: number
  /** Smallest side accepted; tinier images cannot hold anything a model can read. */
  readonly minSide: number
}

function expandToThreeChannels(data: Buffer, width: number, height: number, channels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const out = new Uint8Array(width * height * 3)
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const v = data[j]!
    out[i * 3] = v
    out[i * 3 + 1] = channels >= 3 ? data[j + 1]! : v
    out[i * 3 + 2] = channels >= 3 ? data[j + 2]! : v
  }
  return out
}

/** The limit an image of this size breaks, if any: too many pixels, or a side too small. */
function sizeProblem(width: number, height: number, limits: DecodeLimits): InvalidInput | undefined {
  if (width * height > limits.maxPixels) {
    return new InvalidInput(`image is ${width}×${height} (${width * height} pixels); the limit is ${limits.maxPixels} pixels`)
  }
  if (Math.min(width, height) < limits.minSide) {
    return new InvalidInput(`image is ${width}×${height}; both sides must be at least ${limits.minSide} pixels`)
  }
  return undefined
}

/** Explains a failed decode: the limit the header's dimensions break, else the decoder's message. */
async function decodeFailure(bytes: Uint8Array, limits: DecodeLimits, error: unknown): Promise<InvalidInput> {
  let metadata: Metadata | undefined
  try {
    // Reading the header decodes no pixels, so it needs no limit.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch {
    // Not even a readable header: the decoder's own message below says why.
  }
  const problem = metadata?.width && metadata.height ? sizeProblem(metadata.width, metadata.height, limits) : undefined
  return problem ?? new InvalidInput(`cannot decode ${metadata?.format ?? 'image'}: ${(error as Error).message}`, { cause: error })
}

export interface ImageSize {
  readonly width: number
  readonly height: number
}

/**
 * Width and height from the header alone, no pixel decoded, checked against the limits: what a
 * request reserves memory by before decoding (src/engine/memory-budget.ts).
 */
export async function readImageSize(bytes: Uint8Array, limits: DecodeLimits): Promise<ImageSize> {
  if (bytes.byteLength === 0) throw new InvalidInput('image is empty (0 bytes)')
  let metadata: Metadata
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw new InvalidInput(`cannot decode image: ${(error as Error).message}`, { cause: error })
  }
  const { width = 0, height = 0 } = metadata
  const problem = sizeProblem(width, height, limits)
  if (problem) throw problem
  return { width, height }
}

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits, order: ChannelOrder = 'rgb'): Promise<Image> {
  if (bytes.byteLength === 0) throw new InvalidInput('image is empty (0 bytes)')
  let decoded: { data: Buffer; info: OutputInfo }
  try {
    // sharp checks limitInputPixels from the header before decoding any pixel.
    decoded = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', sequentialRead: true })
      .rotate() // applies EXIF orientation
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch (error) {
    throw await decodeFailure(bytes, limits, error)
  }
  const { info, data } = decoded
  const problem = sizeProblem(info.width, info.height, limits)
  if (problem) throw problem
  const rgb: Image = {
    data: expandToThreeChannels(data, info.width, info.height, info.channels),
    width: info.width,
    height: info.height,
    channels: 3,
    order: 'rgb',
  }
  return swapChannelOrder(rgb, order)
}
