/**
 * Text recognition op (PaddleOCR TextRecognizer, CTC): crops are sorted by aspect ratio so a
 * batch holds similar widths, each is resized to the package's height H (width from its ratio), a
 * batch is right-padded to its widest member but at least W (RecResizeImg image_shape [3, H, W],
 * PaddleOCR's max(imgW, widest ratio)), and the CTC output is decoded per crop back in the
 * request's original order.
 */
import type { Op } from '../../engine/op.js'
import type { Model } from '../../runtime/model.js'
import type { Image } from '../../vision/image.js'
import { ctcGreedyDecode, type RecognizedText } from './ctc-decode.js'
import type { RecSpec } from './ocr-model-specs.js'
import { normalizeTextLine, textLineWidth } from './text-line-resize.js'

export interface RecInput {
  readonly crops: readonly Image[]
}

interface RecItem {
  /** Position of the crop in the request. */
  readonly index: number
  /** Normalised crop, 3 × height × width, not yet padded. */
  readonly chw: Float32Array
  readonly width: number
}

interface SequenceProbs {
  readonly probs: Float32Array
  readonly steps: number
  readonly classes: number
}

/** Copies each item's rows into a zero-filled `[n, 3, height, planeWidth]` batch (right padding). */
function padToBatch(batch: readonly RecItem[], height: number, planeWidth: number): Float32Array {
  const itemSize = 3 * height * planeWidth
  const data = new Float32Array(batch.length * itemSize)
  batch.forEach((item, i) => {
    for (let row = 0; row < 3 * height; row++) {
      const from = row * item.width
      data.set(item.chw.subarray(from, from + item.width), i * itemSize + row * planeWidth)
    }
  })
  return data
}

export function createRecOp(model: Model, spec: RecSpec): Op<RecInput, RecItem, SequenceProbs, RecognizedText[]> {
  const { height, minWidth, maxWidth, charset, normalization } = spec
  return {
    name: 'rec',
    preprocess(input) {
      const order = input.crops.map((crop, index) => ({ index, ratio: crop.width / crop.height }))
      order.sort((a, b) => a.ratio - b.ratio)
      return order.map(({ index }) => {
        const crop = input.crops[index]!
        const width = textLineWidth(crop, height, maxWidth)
        return { index, width, chw: normalizeTextLine(crop, height, width, width, normalization) }
      })
    },
    async process(batch, call) {
      const planeWidth = Math.max(minWidth, ...batch.map((item) => item.width))
      const data = padToBatch(batch, height, planeWidth)
      const { probs } = await model.run({ image: { data, dims: [batch.length, 3, height, planeWidth] } }, call)
      const [, steps = 0, classes = 0] = probs!.dims
      const size = steps * classes
      return batch.map((_, i) => ({ probs: probs!.data.subarray(i * size, (i + 1) * size), steps, classes }))
    },
    postprocess(input, outputs, items) {
      const texts: RecognizedText[] = new Array(input.crops.length)
      items.forEach((item, i) => {
        const { probs, steps, classes } = outputs[i]!
        texts[item.index] = ctcGreedyDecode(probs, steps, classes, charset)
      })
      return texts
    },
  }
}
