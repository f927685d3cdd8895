/**
 * Scoring /recognize answers against ground truth. A returned (named) box is right when it
 * locates an unclaimed ground-truth box (`locates`) and carries its label; each ground-truth
 * box is claimed once (best score first), so duplicates count as wrong. Also the offline replay
 * of the server's last step (selectRecognitions, the same code) over the "raw" answers, those
 * asked for with score_thres 0 and rec_nms_thresold 1: every searched box with its top-1 hit.
 */
import { boxIou, type Box } from '../../src/tasks/detection/nms.js'
import { selectRecognitions, type RecognizedObject } from '../../src/tasks/recognition/rec-results.js'
import type { BenchImage, ImageKind } from './rec-dataset.js'

export const IOU = 0.5
/** Request options that make /recognize return every box it searched, with its 5 best hits. */
export const RAW_OPTIONS = { score_thres: 0, rec_nms_thresold: 1, return_k: 5 } as const

/**
 * A returned box locates a ground-truth box at IoU ≥ 0.5, or when ≥ 80 % of it lies inside the
 * ground truth and covers ≥ 25 % of it: a scene's ground truth is a whole pasted gallery photo,
 * and the product is often only part of it (a hand, a table, a second bottle around it).
 */
export function locates(gt: Box, box: Box): boolean {
  if (boxIou(gt, box) >= IOU) return true
  const iw = Math.min(gt[2], box[2]) - Math.max(gt[0], box[0])
  const ih = Math.min(gt[3], box[3]) - Math.max(gt[1], box[1])
  if (iw <= 0 || ih <= 0) return false
  const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1])
  return iw * ih >= 0.8 * area(box) && iw * ih >= 0.25 * area(gt)
}

export interface GroupMetrics {
  readonly images: number
  readonly gt: number
  /** Named boxes returned. */
  readonly named: number
  /** Named boxes that are right (= ground-truth boxes named right: one box per ground truth). */
  readonly correct: number
  readonly precision: number
  readonly recall: number
  /** Images whose returned labels are all among its products' and include one of them (none for negatives). */
  readonly imagesNamedRight: number
  /** Images with at least one named box (for negatives: each is a false recognition). */
  readonly imagesWithNamed: number
}

/** Named boxes of the answer that are right. */
export function countCorrect(image: BenchImage, answer: readonly RecognizedObject[]): number {
  const claimed = new Set<number>()
  let correct = 0
  for (const object of [...answer].sort((a, b) => b.rec_scores - a.rec_scores)) {
    const free = image.objects.map((gt, i) => !claimed.has(i) && locates(gt.box, object.bbox))
    const best = (sameLabel: boolean): number => {
      let arg = -1
      let bestIou = -1
      image.objects.forEach((gt, i) => {
        const iou = boxIou(gt.box, object.bbox)
        if (free[i] && (!sameLabel || gt.label === object.rec_docs) && iou > bestIou) [arg, bestIou] = [i, iou]
      })
      return arg
    }
    const right = best(true)
    const hit = right >= 0 ? right : best(false)
    if (hit >= 0) claimed.add(hit)
    if (right >= 0) correct++
  }
  return correct
}

function namedRight(image: BenchImage, answer: readonly RecognizedObject[]): boolean {
  const labels = new Set(image.objects.map((o) => o.label).filter((l) => l !== null))
  return answer.length > 0 && answer.every((o) => labels.has(o.rec_docs))
}

export function groupMetrics(images: readonly BenchImage[], answers: ReadonlyArray<readonly RecognizedObject[]>, kinds: readonly ImageKind[]): GroupMetrics {
  let n = 0, gt = 0, named = 0, correct = 0, namedRightImages = 0, withNamed = 0
  images.forEach((image, i) => {
    if (!kinds.includes(image.kind)) return
    const answer = answers[i]!
    const right = countCorrect(image, answer)
    n++
    gt += image.objects.length
    named += answer.length
    correct += right
    if (namedRight(image, answer)) namedRightImages++
    if (answer.length > 0) withNamed++
  })
  return { images: n, gt, named, correct, precision: named ? correct / named : 1, recall: gt ? correct / gt : 0, imagesNamedRight: namedRightImages, imagesWithNamed: withNamed }
}

const isWhole = (image: BenchImage, box: Box): boolean => box[0] <= 0 && box[1] <= 0 && box[2] >= image.width - 1 && box[3] >= image.height - 1

/** Ground-truth boxes that some searched box (the detector's and the whole image) covers at IoU ≥ 0.5, or `locates` when not `strict`. */
export function detectionRecall(images: readonly BenchImage[], raw: ReadonlyArray<readonly RecognizedObject[]>, kinds: readonly ImageKind[], strict = true): number {
  let gt = 0, found = 0
  images.forEach((image, i) => {
    if (!kinds.includes(image.kind)) return
    const boxes = raw[i]!.map((o) => o.bbox)
    for (const object of image.objects) {
      gt++
      if (boxes.some((b) => (strict ? boxIou(b, object.box) >= IOU : locates(object.box, b)))) found++
    }
  })
  return gt ? found / gt : 0
}

export interface Selection {
  /** A fixed value, or one per gallery index (`score_thres: auto`). */
  readonly scoreThres: number | ((image: BenchImage) => number)
  readonly nmsThres: number
  /** Search the whole image as one more box (PP-ShiTu always does). */
  readonly whole: boolean
  /**
   * Re-ranking of each box's 5 best hits: `vote2` keeps the top-1 only when another of the 5 has
   * its label; `majority` names the label most of the 5 have (ties: the best-scoring), scored by
   * its best hit. Undefined: top-1 as PaddleClas.
   */
  readonly rerank?: 'vote2' | 'majority'
}

type Hit = { id: number; path: string; label: string; score: number }

function rerankHits(object: RecognizedObject, rerank: Selection['rerank']): Hit[] {
  const hits: Hit[] = (object.candidates ?? [{ id: 0, label: object.rec_docs, score: object.rec_scores }]).map((h) => ({ ...h, path: '' }))
  if (rerank === 'vote2') return hits.slice(1).some((h) => h.label === hits[0]!.label) ? hits : []
  if (rerank === 'majority') {
    const votes = new Map<string, number>()
    for (const h of hits) votes.set(h.label, (votes.get(h.label) ?? 0) + 1)
    const top = Math.max(...votes.values())
    const winner = hits.find((h) => votes.get(h.label) === top)!
    return [winner]
  }
  return hits
}

/** What the server would have answered with these settings, from a raw answer. */
export function replaySelection(images: readonly BenchImage[], raw: ReadonlyArray<readonly RecognizedObject[]>, selection: Selection): RecognizedObject[][] {
  return raw.map((objects, i) => {
    const kept = objects.filter((o) => selection.whole || !isWhole(images[i]!, o.bbox))
    const hits = kept.map((o) => rerankHits(o, selection.rerank))
    const scoreThres = typeof selection.scoreThres === 'number' ? selection.scoreThres : selection.scoreThres(images[i]!)
    return selectRecognitions(kept.map((o) => o.bbox), hits, { scoreThres, nmsThres: selection.nmsThres, returnK: undefined })
  })
}
