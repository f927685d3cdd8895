/**
 * Loads @techstark/opencv-js (OpenCV compiled by Emscripten, the wasm inlined in one UMD file)
 * from ESM, and reports what loading it cost.
 */
import { createRequire } from 'node:module'
import type * as CV from '@techstark/opencv-js'

export type OpenCv = typeof CV

export interface OpenCvLoad {
  readonly cv: OpenCv
  /** OpenCV's own version, from its build information. */
  readonly version: string
  readonly packageVersion: string
  /** require() + wasm compile and runtime start. */
  readonly loadMs: number
  /** Process RSS growth across the load. */
  readonly rssBytes: number
  /** Growth of V8's `external` memory, where the wasm memory's ArrayBuffer is counted. */
  readonly externalBytes: number
  /** The wasm linear memory right after the load (it grows later, never shrinks). */
  readonly heapBytes: number
}

type Runtime = OpenCv & { onRuntimeInitialized?: () => void; HEAP8: Int8Array; Mat?: unknown }

/** Bytes of the wasm linear memory now. */
export function openCvHeapBytes(cv: OpenCv): number {
  return (cv as Runtime).HEAP8.byteLength
}

function memoryGrowth(before: NodeJS.MemoryUsage): { rssBytes: number; externalBytes: number } {
  const after = process.memoryUsage()
  return { rssBytes: after.rss - before.rss, externalBytes: after.external - before.external }
}

export async function loadOpenCv(): Promise<OpenCvLoad> {
  const before = process.memoryUsage()
  const t0 = performance.now()
  // The package is CommonJS; require() returns the Emscripten Module before the wasm is ready.
  const require = createRequire(import.meta.url)
  const cv = require('@techstark/opencv-js') as Runtime
  // Not `await cv`: the Module is a thenable that resolves to itself, so awaiting it never settles.
  if (cv.Mat === undefined) {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = resolve
    })
  }
  const loadMs = performance.now() - t0
  const version = /General configuration for OpenCV ([\w.-]+)/.exec(cv.getBuildInformation())?.[1] ?? 'unknown'
  const packageVersion = (require('@techstark/opencv-js/package.json') as { version: string }).version
  return { cv, version, packageVersion, loadMs, ...memoryGrowth(before), heapBytes: openCvHeapBytes(cv) }
}
