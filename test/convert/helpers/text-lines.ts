/** The cls model's input for real text-line crops: height 48, width ≤ 192 keeping ratio, [-1, 1], right zero-pad (SPEC §4). */
import { readFile } from 'node:fs/promises'
import { decodeImage } from '../../../src/vision/decode.js'
import { normalizeToChw } from '../../../src/vision/normalize.js'
import { resizeImage } from '../../../src/vision/resize.js'

export async function textLineBatch(files: readonly string[], height = 48, maxWidth = 192): Promise<{ data: Float32Array; dims: number[] }> {
  const data = new Float32Array(files.length * 3 * height * maxWidth)
  for (const [i, file] of files.entries()) {
    const img = await decodeImage(await readFile(file), { maxPixels: 1e8, minSide: 1 }, 'bgr')
    const width = Math.min(maxWidth, Math.ceil((height * img.width) / img.height))
    const norm = { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const
    normalizeToChw(resizeImage(img, width, height, 'bilinear'), norm, { data, offset: i * 3 * height * maxWidth, planeWidth: maxWidth, planeHeight: height })
  }
  return { data, dims: [files.length, 3, height, maxWidth] }
}
