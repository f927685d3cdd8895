/**
 * The peer library @gutenye/ocr-node (same PP-OCRv4 ONNX models, run on the calling thread). Its
 * `create` is typed `Promise<any>`; this wrapper states the little of its API the benchmark uses.
 */
import Ocr from '@gutenye/ocr-node'

export interface PeerLine {
  readonly text: string
  readonly mean: number
}

export interface PeerOcr {
  detect(imagePath: string): Promise<PeerLine[]>
}

export async function createPeerOcr(): Promise<PeerOcr> {
  const ocr: PeerOcr = await Ocr.create()
  return ocr
}
