/**
 * One pass of the recognition benchmark: every image POSTed (raw bytes) to /recognize with the
 * configuration's request options, one at a time, so each latency is one request alone.
 */
import { readFile } from 'node:fs/promises'
import type { RecognizedObject } from '../../src/tasks/recognition/rec-results.js'
import { progress } from './progress.js'
import type { BenchImage } from './rec-dataset.js'

export type RequestOptions = Readonly<Record<string, string | number>>

export interface PassResult {
  /** Per image, in the order given. */
  readonly answers: RecognizedObject[][]
  readonly latenciesMs: number[]
}

const TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' }

export async function runPass(url: string, images: readonly BenchImage[], options: RequestOptions, label: string): Promise<PassResult> {
  const bodies = await Promise.all(images.map((image) => readFile(image.file)))
  const answers: RecognizedObject[][] = []
  const latenciesMs: number[] = []
  for (const [i, image] of images.entries()) {
    const query = new URLSearchParams(Object.entries(options).map(([k, v]): [string, string] => [k, String(v)]))
    if (image.index !== undefined) query.set('index', image.index)
    const type = TYPES[image.file.split('.').pop()!.toLowerCase()] ?? 'application/octet-stream'
    const started = performance.now()
    const response = await fetch(`${url}/recognize?${query}`, { method: 'POST', headers: { 'Content-Type': type }, body: bodies[i] })
    const text = await response.text()
    latenciesMs.push(performance.now() - started)
    if (response.status !== 200) throw new Error(`${label}: ${image.name} → HTTP ${response.status} ${text.slice(0, 300)}`)
    answers.push((JSON.parse(text) as { results: RecognizedObject[][] }).results[0] ?? [])
    if (i % 10 === 9 || i === images.length - 1) progress(`${label}: ${i + 1}/${images.length} images`)
  }
  return { answers, latenciesMs }
}
