/**
 * PaddleClas predict_system's last steps: per box keep the top-1 gallery hit when its score
 * reaches `score_thres`, then NMS over the kept boxes by score with IoU `rec_nms_thresold` in the
 * +1-pixel convention (`nms_to_rec_results`). Output fields are PaddleClas's.
 */
import type { GalleryHit } from '../../retrieval/gallery-index.js'
import type { Box } from '../detection/nms.js'
import { nms } from '../detection/nms.js'

export interface RecognizedObject {
  bbox: [number, number, number, number]
  rec_docs: string
  rec_scores: number
  /** The mainbody detector's score of the box (1 for the whole image); not in PaddleClas's answer. */
  det_score?: number
  /** The score_thres the box passed (the request's, the config's or the gallery's fitted one); not in PaddleClas's answer. */
  score_thres?: number
  /** The best `return_k` gallery hits for the box, when asked for. */
  candidates?: Array<{ id: number; label: string; score: number }>
}

export interface SelectionOptions {
  readonly scoreThres: number
  readonly nmsThres: number
  readonly returnK: number | undefined
}

/** `detScores`: the detector's score of each box, reported as `det_score`. */
export function selectRecognitions(
  boxes: readonly Box[],
  hits: readonly GalleryHit[][],
  options: SelectionOptions,
  detScores?: readonly number[],
): RecognizedObject[] {
  const kept = boxes
    .map((box, i) => ({ box, hits: hits[i] ?? [], detScore: detScores?.[i] }))
    .filter(({ hits }) => hits[0] !== undefined && hits[0].score >= options.scoreThres)
  const order = nms(
    kept.map((k) => k.box),
    kept.map((k) => k.hits[0]!.score),
    { iouThreshold: options.nmsThres, plusOne: true },
  )
  return order.map((i) => {
    const { box, hits, detScore } = kept[i]!
    const result: RecognizedObject = {
      bbox: [Math.round(box[0]), Math.round(box[1]), Math.round(box[2]), Math.round(box[3])],
      rec_docs: hits[0]!.label,
      rec_scores: hits[0]!.score,
    }
    if (detScore !== undefined) result.det_score = detScore
    if (options.returnK !== undefined) {
      result.candidates = hits.slice(0, options.returnK).map((hit) => ({ id: hit.id, label: hit.label, score: hit.score }))
    }
    return result
  })
}
