/** Messages between the session pool (main thread) and its workers. */
import type { TensorInfo } from './session.js'
import type { Tensor } from './tensor.js'

export interface WorkerRequest {
  id: number
  feeds: Record<string, Tensor>
}

export type WorkerReply =
  | { id: number; outputs: Record<string, Tensor>; error?: undefined }
  | { id: number; error: { name: string; message: string }; outputs?: undefined }

export type WorkerStartup =
  | { ready: true; inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[] }
  | { ready: false; error: { name: string; message: string } }

/**
 * Buffers to move (not copy) across the thread boundary. A tensor that views only part of its
 * buffer, or shares a buffer with another tensor, is left out and gets copied instead.
 */
export function transferList(tensors: Record<string, Tensor>): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>()
  const shared = new Set<ArrayBufferLike>()
  for (const { data } of Object.values(tensors)) {
    if (seen.has(data.buffer)) shared.add(data.buffer)
    seen.add(data.buffer)
  }
  const list: ArrayBuffer[] = []
  for (const { data } of Object.values(tensors)) {
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
    if (whole && !shared.has(data.buffer) && data.buffer instanceof ArrayBuffer) list.push(data.buffer)
  }
  return list
}
