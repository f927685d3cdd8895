/**
 * Caffe-style ImageNet input (SPEC, assets README): BGR, direct resize to the network size,
 * per-channel mean subtracted, optional scale, CHW.
 */
import { readFile } from 'node:fs/promises'
import ort from 'onnxruntime-node'
import { decodeImage } from '../../../src/vision/decode.js'
import { normalizeToChw } from '../../../src/vision/normalize.js'
import { resizeImage } from '../../../src/vision/resize.js'

export async function caffeInput(file: string, size: number, mean: readonly [number, number, number], scale = 1): Promise<ort.Tensor> {
  const img = await decodeImage(await readFile(file), { maxPixels: 1e8, minSide: 1 }, 'bgr')
  const data = normalizeToChw(resizeImage(img, size, size, 'bilinear'), { scale: 1, mean, std: [1 / scale, 1 / scale, 1 / scale] })
  return new ort.Tensor('float32', data, [1, 3, size, size])
}
