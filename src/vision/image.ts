/**
 * An 8-bit image in interleaved HWC layout. `channels` is 3 for colour images throughout the
 * pipeline (decode drops alpha and expands grey); single-channel images appear only as masks.
 * `order` records whether the three channels are RGB or BGR so models that were trained on
 * OpenCV's BGR (PaddleOCR) get what they expect without a silent swap.
 */
export type ChannelOrder = 'rgb' | 'bgr'

export interface Image {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
  readonly channels: number
  readonly order: ChannelOrder
}

export function createImage(width: number, height: number, channels = 3, order: ChannelOrder = 'rgb'): Image {
  return { data: new Uint8Array(width * height * channels), width, height, channels, order }
}

/** A point in image pixel coordinates (x to the right, y down). */
export type Point = readonly [number, number]

/** Four corners, clockwise from top-left: what PaddleOCR calls a text region. */
export type Quad = readonly [Point, Point, Point, Point]
