/**
 * Greedy CTC decoding as PaddleOCR's CTCLabelDecode: argmax per time step, drop the blank
 * (class 0) and repeats of the previous step; confidence is the mean of the kept steps' maxima
 * (0 for an empty result).
 */
export interface RecognizedText {
  readonly text: string
  readonly confidence: number
}

/**
 * Classes as PaddleOCR's CTCLabelDecode builds them: blank, the dictionary lines, then a space
 * when `useSpaceChar` (PP-OCR's recognisers are trained with it).
 */
export function ctcCharset(dictionaryText: string, useSpaceChar = true): string[] {
  const lines = dictionaryText.split('\n').map((line) => line.replace(/\r$/, ''))
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop() // trailing newline, not a character
  return useSpaceChar ? ['blank', ...lines, ' '] : ['blank', ...lines]
}

/** `probs` holds `steps × classes` values of one sequence, row-major. */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: number, charset: readonly string[]): RecognizedText {
  if (charset.length !== classes) {
    throw new RangeError(`CTC output has ${classes} classes but the charset has ${charset.length}`)
  }
  let text = ''
  let sum = 0
  let kept = 0
  let previous = -1
  for (let t = 0; t < steps; t++) {
    const row = t * classes
    let best = 0
    let bestProb = probs[row]!
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!
      if (p > bestProb) {
        bestProb = p
        best = c
      }
    }
    if (best !== 0 && best !== previous) {
      text += charset[best]
      sum += bestProb
      kept++
    }
    previous = best
  }
  return { text, confidence: kept > 0 ? sum / kept : 0 }
}
