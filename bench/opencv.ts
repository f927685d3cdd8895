/**
 * OpenCV (wasm) against the hand-ported code (`npm run bench:opencv -- [--rounds N] [--config
 * FILE] [--json FILE]`): each OpenCV call the OCR pipeline reproduces, timed as our code and as
 * @techstark/opencv-js on the inputs the service really sees (the 17 OCR demo images, the real
 * det model's probability maps and boxes), interleaved, plus how exactly the outputs agree.
 * Results on stdout, progress on stderr. See bench/BENCHMARKS.md.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CONFIG_PATH } from '../src/config/load-config.js'
import { parseCommandLine, runBench, UsageError } from './lib/args.js'
import { ASSETS_DIR, PROJECT_ROOT } from './lib/bench-config.js'
import { loadImages } from './lib/images.js'
import { formatLoad, machineInfo } from './lib/machine.js'
import { emptyExactness, formatExactness, type Exactness } from './lib/opencv-exact.js'
import { captureOcrInputs, type OcrStepInputs } from './lib/opencv-inputs.js'
import { loadOpenCv, openCvHeapBytes } from './lib/opencv-load.js'
import { opPairs, type OpPair } from './lib/opencv-ops.js'
import { progress, progressDone } from './lib/progress.js'
import { formatTable } from './lib/table.js'

const USAGE = 'usage: npm run bench:opencv -- [--rounds N] [--config FILE] [--json FILE]'
const IMAGES_DIR = path.join(ASSETS_DIR, 'images/ocr/imgs')

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: { rounds: { type: 'string', default: '20' }, config: { type: 'string' }, json: { type: 'string' } },
    strict: true,
  })
  const rounds = Number(values.rounds)
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds must be a positive integer, got ${JSON.stringify(values.rounds)}\n${USAGE}`)
  return {
    rounds,
    configFile: path.resolve(values.config ?? path.join(PROJECT_ROOT, DEFAULT_CONFIG_PATH)),
    jsonFile: values.json === undefined ? undefined : path.resolve(values.json),
  }
}

/** One op's samples: per round, ms per image (sum over the images ÷ their count) of each side. */
interface OpSamples {
  readonly ours: number[]
  readonly opencv: number[]
  /** Per image, every round's ms of each side (for the per-image medians in the JSON). */
  readonly perImage: Array<{ ours: number[]; opencv: number[] }>
  readonly exactness: Exactness
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function timed<T>(run: () => T): [T, number] {
  const t0 = performance.now()
  const out = run()
  return [out, performance.now() - t0]
}

/**
 * Round 0 is a warm-up whose outputs give the exactness; rounds 1..N are timed. Within a round
 * every image runs both sides back to back, the first side alternating by round and image, so
 * load changes and cache effects fall on both.
 */
function measure(pair: OpPair<unknown>, inputs: readonly OcrStepInputs[], rounds: number): OpSamples {
  const samples: OpSamples = {
    ours: [],
    opencv: [],
    perImage: inputs.map(() => ({ ours: [], opencv: [] })),
    exactness: emptyExactness(pair.unit),
  }
  for (let round = 0; round <= rounds; round++) {
    progress(`${pair.name}: round ${round}/${rounds}${round === 0 ? ' (warm-up)' : ''}`)
    let ours = 0
    let opencv = 0
    inputs.forEach((input, i) => {
      const oursFirst = (round + i) % 2 === 0
      const first = timed(() => (oursFirst ? pair.ours(input) : pair.opencv(input)))
      const second = timed(() => (oursFirst ? pair.opencv(input) : pair.ours(input)))
      const [a, b] = oursFirst ? [first, second] : [second, first]
      if (round === 0) {
        pair.compare(samples.exactness, a[0], b[0])
        return
      }
      ours += a[1]
      opencv += b[1]
      samples.perImage[i]!.ours.push(a[1])
      samples.perImage[i]!.opencv.push(b[1])
    })
    if (round > 0) {
      samples.ours.push(ours / inputs.length)
      samples.opencv.push(opencv / inputs.length)
    }
  }
  return samples
}

const MB = 2 ** 20

async function main(): Promise<number> {
  const args = parseCommandLine(parse, USAGE)
  if (!existsSync(IMAGES_DIR)) {
    console.error(`bench:opencv needs the OCR demo images in ${IMAGES_DIR}: put ../shared/assets beside the project`)
    return 1
  }
  process.chdir(PROJECT_ROOT) // models.dir in the config is relative to the project root
  const machine = machineInfo()
  // First, so its memory growth is not mixed with the det model's.
  progress('loading @techstark/opencv-js')
  const load = await loadOpenCv()
  progressDone()
  const images = await loadImages(IMAGES_DIR)
  const inputs = await captureOcrInputs(images, args.configFile)

  const pairs = opPairs(load.cv)
  const results = pairs.map((pair) => ({ pair, samples: measure(pair, inputs, args.rounds) }))
  progressDone()
  const heapAfter = openCvHeapBytes(load.cv)

  const rows = results.map(({ pair, samples }) => {
    const ours = median(samples.ours)
    const opencv = median(samples.opencv)
    const items = inputs.reduce((n, s) => n + pair.items(s), 0) / inputs.length
    const ratio = median(samples.ours.map((o, r) => samples.opencv[r]! / o))
    return { pair, samples, ours, opencv, ratio, items }
  })
  console.log(`OpenCV (wasm) against the hand-ported code  ${new Date().toISOString()}`)
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}; load ${formatLoad(machine.loadAverage)} at start`)
  console.log(`inputs: ${inputs.length} images of ${path.relative(PROJECT_ROOT, IMAGES_DIR)}, det maps from the real det model; ${args.rounds} timed rounds after a warm-up`)
  console.log(
    `opencv-js: OpenCV ${load.version} (@techstark/opencv-js ${load.packageVersion}), load ${load.loadMs.toFixed(0)} ms, ` +
      `RSS +${(load.rssBytes / MB).toFixed(0)} MB, external +${(load.externalBytes / MB).toFixed(0)} MB; wasm heap ${(load.heapBytes / MB).toFixed(0)} MB at load, ${(heapAfter / MB).toFixed(0)} MB after the runs\n`,
  )
  const table = rows.map(({ pair, samples, ours, opencv, ratio, items }) => {
    const exact = formatExactness(samples.exactness)
    return [pair.name, `${items.toFixed(1)} ${pair.itemUnit}`, ours.toFixed(3), opencv.toFixed(3), ratio.toFixed(2), exact.differing, exact.maxAbs]
  })
  console.log(formatTable(['op', 'per image', 'ours ms/img', 'opencv ms/img', 'opencv/ours', 'differing', 'max |diff|'], table))
  const total = (key: 'ours' | 'opencv') => rows.reduce((sum, row) => sum + row[key], 0)
  console.log(`\nall ops: ours ${total('ours').toFixed(2)} ms/img, opencv-js ${total('opencv').toFixed(2)} ms/img (medians summed)`)
  console.log(`ms/img: median over rounds of (sum over the images ÷ ${inputs.length}); opencv/ours: median of the per-round ratios`)
  console.log(`load ${formatLoad(machineInfo().loadAverage)} at end`)

  if (args.jsonFile) {
    const result = {
      date: new Date().toISOString(),
      machine,
      loadAverageAtEnd: machineInfo().loadAverage,
      rounds: args.rounds,
      images: inputs.map((s) => ({ name: s.name, width: s.image.width, height: s.image.height, det: s.det, contours: s.contours.length, boxes: s.quads.length })),
      opencv: { version: load.version, package: load.packageVersion, loadMs: load.loadMs, rssBytes: load.rssBytes, externalBytes: load.externalBytes, heapBytesAtLoad: load.heapBytes, heapBytesAfter: heapAfter },
      ops: rows.map(({ pair, samples, ours, opencv, ratio, items }) => ({
        name: pair.name,
        call: pair.call,
        itemsPerImage: items,
        itemUnit: pair.itemUnit,
        oursMsPerImage: ours,
        opencvMsPerImage: opencv,
        ratioOpencvOverOurs: ratio,
        rounds: { ours: samples.ours, opencv: samples.opencv },
        perImageMedianMs: inputs.map((s, i) => ({ image: s.name, ours: median(samples.perImage[i]!.ours), opencv: median(samples.perImage[i]!.opencv) })),
        exactness: samples.exactness,
      })),
    }
    await writeFile(args.jsonFile, JSON.stringify(result, null, 2) + os.EOL)
    console.error(`wrote ${args.jsonFile}`)
  }
  return 0
}

runBench(main)
