/**
 * A tiny but real Paddle inference model (x [-1, 4] → matmul_v2 with w [4, 3] → softmax → p),
 * written as `tiny_infer/inference.pdmodel` + `inference.pdiparams` and packed into a real
 * .tar.gz with the tar package, plus the model package manifest that points `models pull` at it.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { c as createTar } from 'tar'
import { stringify } from 'yaml'
import { convertProgram } from '../../../src/convert/convert-program.js'
import { buildProgram, type GraphSpec } from '../../convert/helpers/op-graph.js'
import { encodeCombined, encodeProgram, encodeTensor } from '../../convert/helpers/paddle-writer.js'

export const W = [0.5, -1, 2, 1, 0, -0.5, -1, 1, 0.25, 0, 2, -2]
export const LABELS = 'zero\none\ntwo\n'

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

/** softmax(x · W) for one row x of 4 values: what the pulled model must compute. */
export function expectedProbs(x: readonly number[]): number[] {
  const logits = [0, 1, 2].map((j) => x.reduce((sum, v, i) => sum + v * W[i * 3 + j]!, 0))
  const max = Math.max(...logits)
  const exp = logits.map((v) => Math.exp(v - max))
  const total = exp.reduce((a, b) => a + b)
  return exp.map((v) => v / total)
}

const TINY: GraphSpec = {
  vars: { x: { dims: [-1, 4] }, w: { dims: [4, 3], value: W }, y: { dims: [-1, 3] }, p: { dims: [-1, 3] } },
  ops: [
    { type: 'matmul_v2', inputs: { X: ['x'], Y: ['w'] }, outputs: { Out: ['y'] }, attrs: { trans_x: false, trans_y: false } },
    { type: 'softmax', inputs: { X: ['y'] }, outputs: { Out: ['p'] }, attrs: { axis: -1 } },
  ],
  feeds: ['x'],
  fetches: ['p'],
}

/** The same model as ONNX bytes (for ONNX sources). */
export function tinyOnnx(): Uint8Array {
  const { program, params } = buildProgram(TINY)
  return convertProgram(program, params).onnx
}

function writeTinyModel(dir: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'inference.pdmodel'), encodeProgram(TINY))
  writeFileSync(path.join(dir, 'inference.pdiparams'), encodeCombined(new Map([['w', encodeTensor([4, 3], W)]])))
}

/** Packs `entries` (folders or files under cwd) into an archive; gzip for .tar.gz. */
export async function packArchive(cwd: string, entries: string[], gzip: boolean): Promise<Buffer> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ppserve-pack-')), gzip ? 'a.tar.gz' : 'a.tar')
  try {
    await createTar({ cwd, file, gzip, portable: true }, entries)
    return readFileSync(file)
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true })
  }
}

/** The tiny model as a .tar.gz holding `tiny_infer/` (like the official *_infer.tar archives). */
export async function tinyArchive(): Promise<Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-tiny-'))
  try {
    writeTinyModel(path.join(dir, 'tiny_infer'))
    return await packArchive(dir, ['tiny_infer'], true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface TinyManifestOptions {
  readonly name?: string
  readonly url: string
  readonly sha256?: string
  readonly labelsUrl: string
  readonly labelsSha256?: string
  readonly fetchName?: string
}

/** Writes `modelsDir/NAME/manifest.yml` for the tiny model; returns the package folder. */
export function writeTinyManifest(modelsDir: string, options: TinyManifestOptions): string {
  const name = options.name ?? 'tiny'
  const dir = path.join(modelsDir, name)
  mkdirSync(dir, { recursive: true })
  const manifest = {
    name,
    description: 'tiny test classifier',
    source: {
      format: 'paddle',
      url: options.url,
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
      model_file: 'tiny_infer/inference.pdmodel',
      params_file: 'tiny_infer/inference.pdiparams',
    },
    feeds: [{ name: 'x', alias: 'features', dtype: 'float32', shape: [-1, 4] }],
    fetches: [{ name: options.fetchName ?? 'p', alias: 'probs', dtype: 'float32', shape: [-1, 3] }],
    files: { labels: { path: 'labels.txt', url: options.labelsUrl, ...(options.labelsSha256 ? { sha256: options.labelsSha256 } : {}) } },
  }
  writeFileSync(path.join(dir, 'manifest.yml'), stringify(manifest))
  return dir
}
