/** Runs passes over the images one request at a time, timing each; used for ours and the peer. */
import { performance } from 'node:perf_hooks'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'

export interface TimedRun {
  readonly latenciesMs: number[]
  readonly wallMs: number
}

export async function runSequential(
  label: string,
  images: readonly BenchImage[],
  passes: number,
  run: (image: BenchImage) => Promise<void>,
): Promise<TimedRun> {
  const latenciesMs: number[] = []
  const started = performance.now()
  for (let pass = 1; pass <= passes; pass++) {
    for (const [k, image] of images.entries()) {
      progress(`${label}: pass ${pass}/${passes} image ${k + 1}/${images.length} (${image.name})`)
      const t0 = performance.now()
      await run(image)
      latenciesMs.push(performance.now() - t0)
    }
  }
  progressDone()
  return { latenciesMs, wallMs: performance.now() - started }
}
