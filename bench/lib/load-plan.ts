/**
 * The command line of `npm run bench` (bench/load.ts) and what each run measures: parts,
 * concurrency levels and request budgets, full or `--quick`. The full budget keeps the whole run
 * around 5 minutes on a 2-core machine (OCR ≈ 4 images/s, recognize ≈ 10, classify ≈ 35), each
 * level a few seconds long at least, so one slow request moves its numbers little.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from './args.js'
import type { Arrivals } from './open-loop.js'

export const PARTS = ['ocr', 'classify', 'recognize', 'cores', 'lines'] as const
export type Part = (typeof PARTS)[number]
export type ServiceName = 'ocr' | 'classify' | 'recognize'

export interface ServiceSpec {
  readonly route: string
  /** Under ../shared/assets. */
  readonly imagesDir: string
  /** Requests per concurrency level (at least 2 × c, rounded up to whole passes over the images). */
  readonly requests: number
}

/** Each service's route and real images (also the soak's). */
export const SERVICE_IMAGES: Readonly<Record<ServiceName, { readonly route: string; readonly imagesDir: string }>> = {
  ocr: { route: '/ocr', imagesDir: 'images/ocr/imgs' },
  classify: { route: '/classify', imagesDir: 'images/imagenet' },
  recognize: { route: '/recognize', imagesDir: 'drink_dataset_v1.0/test_images' },
}

export interface LoadPlan {
  readonly parts: ReadonlySet<Part>
  readonly quick: boolean
  readonly jsonFile: string | undefined
  readonly arrivals: Arrivals
  readonly levels: readonly number[]
  readonly services: Readonly<Record<ServiceName, ServiceSpec>>
  /** Open-loop /ocr phase at 0.8 × the best closed-loop throughput. */
  readonly openLoop: { readonly requests: number; readonly loadFactor: number }
  readonly floor: { readonly latencyPasses: number; readonly throughputPasses: number }
  /** Images the peer library runs (warm-up pass + one timed pass); 0 = all. */
  readonly peerImages: number
  readonly cores: { readonly c1Requests: number; readonly c4Requests: number }
}

export const LOAD_USAGE = `usage: npm run bench -- [--only ${PARTS.join(',')}] [--quick] [--arrivals poisson|even] [--json FILE]
  --only      comma-separated parts (default: all). ocr = sweep, open loop, floor, peer and lines;
              lines = only /ocr at c=1 and the latency-per-line table
  --quick     a smoke run with few requests (development), numbers are not meaningful
  --arrivals  open-loop arrival process (default poisson)
  --json      also write every number to FILE`

export function parseLoadPlan(argv: readonly string[], cwd = process.cwd()): LoadPlan {
  let values: { only?: string; quick?: boolean; json?: string; arrivals?: string }
  try {
    values = parseArgs({
      args: [...argv],
      options: { only: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' }, arrivals: { type: 'string' } },
      strict: true,
    }).values
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${LOAD_USAGE}`, { cause: error })
  }
  const only = values.only === undefined ? [...PARTS] : values.only.split(',').map((p) => p.trim())
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p))
  if (unknown.length > 0 || only.length === 0) throw new UsageError(`unknown part(s) in --only: ${unknown.join(', ')}\n${LOAD_USAGE}`)
  const arrivals = values.arrivals ?? 'poisson'
  if (arrivals !== 'poisson' && arrivals !== 'even') throw new UsageError(`--arrivals must be poisson or even\n${LOAD_USAGE}`)
  const quick = values.quick === true
  return {
    parts: new Set(only as Part[]),
    quick,
    jsonFile: values.json === undefined ? undefined : path.resolve(cwd, values.json),
    arrivals,
    levels: quick ? [1, 4] : [1, 2, 4, 8, 16],
    services: {
      ocr: { ...SERVICE_IMAGES.ocr, requests: quick ? 8 : 51 },
      classify: { ...SERVICE_IMAGES.classify, requests: quick ? 16 : 120 },
      recognize: { ...SERVICE_IMAGES.recognize, requests: quick ? 9 : 54 },
    },
    // 100 rather than 60: the nearest-rank p99 of fewer than 100 samples is their maximum.
    openLoop: { requests: quick ? 12 : 100, loadFactor: 0.8 },
    floor: { latencyPasses: quick ? 1 : 3, throughputPasses: 1 },
    peerImages: quick ? 4 : 0,
    cores: { c1Requests: quick ? 4 : 17, c4Requests: quick ? 8 : 34 },
  }
}

/** Requests for one level: the budget, or 2 × c rounded up to whole passes when that is more. */
export function requestsFor(spec: ServiceSpec, concurrency: number, images: number): number {
  const needed = 2 * concurrency
  return needed <= spec.requests ? spec.requests : Math.ceil(needed / images) * images
}
