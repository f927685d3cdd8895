/**
 * End-to-end recognition benchmark with ground truth (`npm run bench:recognize -- [--scenes N]
 * [--seed S] [--json FILE] [--keep]`): POST /recognize on a real server over
 *   - the 9 drink test photos, hand-labelled in test/fixtures/recognition/test-photos.yml,
 *     searched in the full drink gallery;
 *   - N synthetic scenes (held-out gallery images pasted on COCO photos and plain shelves,
 *     bench/lib/rec-scenes.ts), searched in an index of the gallery without those images;
 *   - negatives: the 3 COCO photos, seeded crops of them, the empty shelves.
 * Rows: the shipped defaults as the server answers them; then detector settings (request
 * options, or a restart for the detector package and its NMS), each fetched once "raw" (every
 * searched box with its top-1 hit) and replayed through the server's own selection code for
 * score_thres / rec_nms_thresold / whole-image variants. See bench/BENCHMARKS.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { benchConfig } from './lib/bench-config.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { progress, progressDone } from './lib/progress.js'
import { runPass, type RequestOptions } from './lib/rec-client.js'
import { buildBenchIndexes, HELDOUT_INDEX, loadTestPhotos, splitGallery, type BenchImage } from './lib/rec-dataset.js'
import { detectionRecall, RAW_OPTIONS, replaySelection, type Selection } from './lib/rec-metrics.js'
import { acceptanceLines, configRow, formatRows, scenesF1, type ConfigRow } from './lib/rec-report.js'
import { generateScenes, negatives } from './lib/rec-scenes.js'
import { prepareModelsDir, type DetectorVariant } from './lib/rec-variants.js'
import { startServer } from './lib/server-process.js'

const USAGE = 'usage: npm run bench:recognize -- [--scenes N] [--seed S] [--json FILE] [--keep]'
const { values } = parseArgs({ options: { scenes: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, json: { type: 'string' }, keep: { type: 'boolean', default: false } } })
const scenesCount = Number(values.scenes)
const seed = Number(values.seed)
if (!Number.isInteger(scenesCount) || scenesCount < 1 || !Number.isInteger(seed)) throw new Error(USAGE)

/** Mainbody selections tried as request options on one server (the first is the shipped one). */
const DET_OPTIONS: ReadonlyArray<RequestOptions> = [
  { det_threshold: 0.2, max_det_results: 5 },
  { det_threshold: 0.1, max_det_results: 5 },
  { det_threshold: 0.2, max_det_results: 10 },
]
/**
 * The COCO classes that are never a retail product (people, vehicles, street furniture, animals,
 * worn accessories and luggage, sports gear, furniture, fixtures, large appliances), for the
 * manifest's `Mainbody.ignore_labels`; kept: containers and tableware, food, small hand-held goods.
 */
const NON_PRODUCT_COCO = ['person', 'bicycle', 'car', 'motorbike', 'aeroplane', 'bus', 'train', 'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'chair', 'sofa', 'pottedplant', 'bed', 'diningtable', 'toilet', 'tvmonitor', 'laptop', 'oven', 'sink', 'refrigerator']
/** Detector packages / NMS that need their own server, and the selections tried on each. */
const RESTARTS: ReadonlyArray<DetectorVariant & { readonly options: ReadonlyArray<RequestOptions> }> = [
  { label: '416 class filter', base: 'picodet_xs_416_coco', mainbody: { ignore_labels: NON_PRODUCT_COCO }, options: [DET_OPTIONS[0]!, DET_OPTIONS[1]!] },
  { label: 'picodet_xs_320_coco', base: 'picodet_xs_320_coco', options: [DET_OPTIONS[0]!] },
  { label: '416 class-agnostic NMS 0.5', base: 'picodet_xs_416_coco', decode: { class_agnostic: true, nms_threshold: 0.5 }, options: [DET_OPTIONS[0]!, DET_OPTIONS[2]!] },
]
const SWEEP = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]

const started = performance.now()
const machine = machineInfo()
const recognizeConfig = (await benchConfig(['recognize'])).services.recognize
/** The configured score_thres; `auto` becomes each gallery's fitted threshold, read from the server. */
let shippedThres: number | ((image: BenchImage) => number) = typeof recognizeConfig.score_thres === 'number' ? recognizeConfig.score_thres : 0.5
let thresLabel = String(recognizeConfig.score_thres)
const shippedNms = recognizeConfig.rec_nms_thresold
const tmp = await mkdtemp(path.join(os.tmpdir(), 'ppserve-bench-recognize-'))
const indexesDir = path.join(tmp, 'index')
const sceneDir = path.join(tmp, 'scenes')

const describeOptions = (o: RequestOptions): string => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ')
const rows: ConfigRow[] = []
const sweeps: Record<string, ConfigRow[]> = {}
let shipped: ConfigRow | undefined
/** Kept for --json: what the server answered with its defaults, and the raw pass of the shipped mainbody settings. */
const answers: Record<string, unknown> = {}

/** Rows replayed from one raw pass: the shipped selection, and the sweep of score_thres (`extra`: more variants). */
function replayRows(name: string, images: readonly BenchImage[], raw: Awaited<ReturnType<typeof runPass>>, extra: boolean): void {
  const at = (scoreThres: Selection['scoreThres'], more: Partial<Selection> = {}) => replaySelection(images, raw.answers, { scoreThres, nmsThres: shippedNms, whole: true, ...more })
  rows.push(configRow(`${name}; score_thres ${thresLabel}`, images, at(shippedThres), raw.answers, raw.latenciesMs))
  sweeps[name] = SWEEP.map((t) => configRow(`score_thres ${t}`, images, at(t), undefined, undefined))
  if (!extra) return
  const variants: Array<[string, Partial<Selection>]> = [
    ['no whole-image box', { whole: false }],
    ['rec_nms_thresold 0.3', { nmsThres: 0.3 }],
    ['rec_nms_thresold 0.5', { nmsThres: 0.5 }],
    ['re-rank vote2', { rerank: 'vote2' }],
    ['re-rank majority', { rerank: 'majority' }],
  ]
  for (const [label, more] of variants) rows.push(configRow(`${name}; ${label}`, images, at(shippedThres, more), undefined, undefined))
  sweeps[`${name}; re-rank vote2`] = SWEEP.map((t) => configRow(`score_thres ${t}`, images, at(t, { rerank: 'vote2' }), undefined, undefined))
}

/** Each gallery's `score_thres: auto` threshold (GET /gallery/NAME), or the fallback when it has none. */
async function fittedThresholds(url: string, names: readonly string[], fallback: number): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const name of names) {
    const info = (await (await fetch(`${url}/gallery/${name}`)).json()) as { calibration?: { threshold: number | null } }
    out.set(name, info.calibration?.threshold ?? fallback)
  }
  return out
}

try {
  await mkdir(sceneDir, { recursive: true })
  progress('building the benchmark indexes (gallery minus held-out images)…')
  const split = await splitGallery(seed)
  await buildBenchIndexes(indexesDir, split)
  const photos = await loadTestPhotos(async (file) => {
    const m = await sharp(file).metadata()
    return { width: m.width!, height: m.height! }
  })
  const scenes = await generateScenes(sceneDir, split.heldOut, scenesCount, seed, (n) => progress(`generating scenes ${n}/${scenesCount}`))
  const images: BenchImage[] = [...photos, ...(await negatives(sceneDir, seed)), ...scenes]
  progressDone()
  console.log(`# recognition end to end — ${new Date().toISOString()}`)
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${formatLoad(machine.loadAverage)}`)
  console.log(`data: ${photos.length} test photos (${photos.reduce((n, p) => n + p.objects.length, 0)} products), ${scenes.length} scenes (${scenes.reduce((n, s) => n + s.objects.length, 0)} products, seed ${seed}, ${split.heldOut.length} held-out images, index of ${split.kept.length}), ${images.filter((i) => i.kind === 'coco').length} COCO photos + ${images.filter((i) => i.kind === 'negative').length} other negatives`)

  const server = await startServer({ label: recognizeConfig.detector, indexesDir })
  try {
    // Warm-up: the first requests open the galleries and warm the sessions.
    await runPass(server.url, images.slice(0, 12), {}, 'warm-up')
    if (recognizeConfig.score_thres === 'auto') {
      const fitted = await fittedThresholds(server.url, [recognizeConfig.default_index, HELDOUT_INDEX], recognizeConfig.score_calibration.fallback)
      shippedThres = (image) => fitted.get(image.index ?? recognizeConfig.default_index)!
      thresLabel = 'auto'
      console.log(`score_thres auto, fitted per gallery: ${[...fitted].map(([name, t]) => `${name} ${t}`).join(', ')}`)
    }
    const live = await runPass(server.url, images, {}, 'shipped defaults')
    shipped = configRow(`shipped defaults (${recognizeConfig.detector}, live)`, images, live.answers, undefined, live.latenciesMs)
    rows.push(shipped)
    answers.live = live.answers
    for (const [i, options] of DET_OPTIONS.entries()) {
      const raw = await runPass(server.url, images, { ...options, ...RAW_OPTIONS }, describeOptions(options))
      replayRows(`${recognizeConfig.detector} ${describeOptions(options)}`, images, raw, i === 0)
      if (i === 0) {
        answers.raw = raw.answers
        // The COCO detector spends its top boxes on people and vehicles: recall by background.
        const on = (bg: string) => images.filter((im) => im.kind === 'scene' && im.name.includes(`(${bg}`))
        const recallOn = (bg: string) => detectionRecall(on(bg), raw.answers.filter((_, j) => images[j]!.kind === 'scene' && images[j]!.name.includes(`(${bg}`)), ['scene']).toFixed(3)
        console.log(`det R@.5 of the shipped mainbody settings by scene background: shelves ${recallOn('shelf')}, COCO photos ${recallOn('coco')}`)
      }
    }
  } finally {
    await server.stop()
  }
  for (const variant of RESTARTS) {
    const modelsDir = path.join(tmp, `models-${rows.length}`)
    const detector = await prepareModelsDir(modelsDir, variant)
    const server = await startServer({
      label: variant.label,
      indexesDir,
      patchConfig: (raw) => {
        ;(raw.models as Record<string, unknown>).dir = modelsDir
        ;((raw.services as Record<string, Record<string, unknown>>).recognize!).detector = detector
      },
    })
    try {
      await runPass(server.url, images.slice(0, 12), {}, 'warm-up')
      for (const options of variant.options) {
        const raw = await runPass(server.url, images, { ...options, ...RAW_OPTIONS }, `${variant.label}, ${describeOptions(options)}`)
        replayRows(`${variant.label} ${describeOptions(options)}`, images, raw, false)
      }
    } finally {
      await server.stop()
    }
  }
  progressDone()

  console.log(`\nConfigurations (rows after the first: one raw pass each, selection replayed; nms ${shippedNms} unless named):\n`)
  console.log(formatRows(rows))
  const first = Object.keys(sweeps).slice(0, 2)
  console.log('\nBest fixed score_thres per configuration (scenes F1, among values recognising no negative):')
  for (const [name, sweep] of Object.entries(sweeps)) {
    const clean = sweep.filter((r) => r.coco.imagesWithNamed === 0 && r.negatives.imagesWithNamed === 0)
    const best = [...(clean.length ? clean : sweep)].sort((a, b) => scenesF1(b) - scenesF1(a))[0]!
    console.log(`  ${name}: ${best.config}${clean.length ? '' : ' (every value recognises a negative)'} → scenes P ${best.scenes.precision.toFixed(3)} R ${best.scenes.recall.toFixed(3)}, photos ${best.photos.imagesNamedRight}/${best.photos.images}`)
  }
  for (const name of first) console.log(`\nscore_thres sweep, ${name}:\n\n${formatRows(sweeps[name]!)}`)
  const acceptance = acceptanceLines(shipped)
  console.log(`\nAcceptance (shipped defaults):\n${acceptance.lines.join('\n')}`)
  console.log(`\ntook ${((performance.now() - started) / 1000).toFixed(0)} s`)
  if (values.json) {
    await writeFile(path.resolve(values.json), JSON.stringify({ machine, seed, scenes: scenesCount, rows, sweeps, acceptance, images: images.map(({ name, file, kind, index, objects }) => ({ name, file, kind, index, objects })), answers }, null, 2))
  }
} finally {
  if (values.keep) console.error(`kept ${tmp}`)
  else await rm(tmp, { recursive: true, force: true })
}
