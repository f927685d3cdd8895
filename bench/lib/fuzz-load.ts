/**
 * The fuzz suite's requests sent to a real server: the same generators and seeds as
 * test/fuzz/fuzz.test.ts (family i seeded with seed + i; `fc.sample` yields the values `fc.assert`
 * tries when nothing fails), the families one after another as the suite runs them, at a small
 * fixed concurrency. Each answer is tallied; 5xx other than 503/504, failed connections, hangs
 * and answers outside their route's error envelope are kept with a reproducer.
 */
import http from 'node:http'
import fc from 'fast-check'
// Read-only use of the fuzz suite (test/fuzz): the benchmark must send what the suite sends, and
// a copy of its generators would drift from it. Only the models differ: real ones here.
import { describeRequest, send, type FuzzRequest } from '../../test/fuzz/client.js'
import { checkAnswer } from '../../test/fuzz/envelopes.js'
import { DEFAULT_INDEX, seedItems } from '../../test/fuzz/gallery-seed.js'
import { GalleryState } from '../../test/fuzz/gallery-state.js'
import { seedImages } from '../../test/fuzz/images.js'
import { familyArbs } from '../../test/fuzz/requests.js'

/** fuzz.test.ts's defaults: FUZZ_SEED, and FUZZ_RUNS requests per family. */
export const SUITE_SEED = 20261127
export const SUITE_RUNS = 400

export interface PlannedRequest {
  readonly family: string
  readonly request: FuzzRequest
}

export interface FuzzPlan {
  /** In familyArbs' order, which is fuzz.test.ts's NAMES order and so decides each family's seed. */
  readonly families: readonly string[]
  readonly requests: readonly PlannedRequest[]
  /** Resolves the gallery the suite's last /shitu-index-build made, as the suite does before sending. */
  readonly galleries: GalleryState
}

/**
 * The same number of requests from every family, at least `total` in all (the suite with
 * FUZZ_RUNS = that number); the suite's default FUZZ_RUNS when `total` is undefined.
 */
export async function planRequests(total: number | undefined, seed: number): Promise<FuzzPlan> {
  // The suite's gallery seed items: the gallery families add and search these images.
  const gallerySeed = await seedItems()
  const arbs: Record<string, fc.Arbitrary<FuzzRequest>> = familyArbs(await seedImages(), gallerySeed)
  const families = Object.keys(arbs)
  const perFamily = total === undefined ? SUITE_RUNS : Math.ceil(total / families.length)
  const requests = families.flatMap((family, i) => fc.sample(arbs[family]!, { seed: seed + i, numRuns: perFamily }).map((request) => ({ family, request })))
  return { families, requests, galleries: new GalleryState(DEFAULT_INDEX, gallerySeed) }
}

export interface Finding {
  readonly family: string
  readonly what: string
  readonly request: string
}

export interface FamilyTally {
  requests: number
  firstSentMs: number
  lastAnsweredMs: number
  readonly statuses: Record<string, number>
}

export interface FuzzTally {
  done: number
  readonly statuses: Record<string, number>
  readonly families: Record<string, FamilyTally>
  /** 5xx other than 503/504, failed connections, hangs: server bugs. */
  readonly bugs: Finding[]
  /** Answers whose body is not their route's error envelope (test/fuzz/envelopes.ts). */
  readonly envelopeProblems: Finding[]
  slowestMs: number
}

export function emptyTally(): FuzzTally {
  return { done: 0, statuses: {}, families: {}, bugs: [], envelopeProblems: [], slowestMs: 0 }
}

export interface FuzzRunOptions {
  readonly concurrency: number
  /** No complete answer within this long = a hang. */
  readonly budgetMs: number
  /** The clock family times are recorded in (the RSS sampler's). */
  readonly now: () => number
}

const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1)

/** Sends the requests, `concurrency` at a time, in order; resolves when all are answered. */
export async function runFuzz(baseUrl: string, planned: readonly PlannedRequest[], galleries: GalleryState, options: FuzzRunOptions, tally: FuzzTally): Promise<void> {
  // Keep-alive as in the suite: one connection per worker, reused across requests.
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency })
  let next = 0
  let previous: FuzzRequest | undefined
  const worker = async (): Promise<void> => {
    while (next < planned.length) {
      const { family, request: generated } = planned[next++]!
      const request = galleries.resolve(generated)
      const fam = (tally.families[family] ??= { requests: 0, firstSentMs: options.now(), lastAnsweredMs: 0, statuses: {} })
      const answer = await send(baseUrl, request, options.budgetMs, agent)
      const before = previous
      previous = request
      tally.done++
      fam.requests++
      fam.lastAnsweredMs = options.now()
      tally.slowestMs = Math.max(tally.slowestMs, answer.ms)
      const label = answer.outcome === 'answered' ? String(answer.status) : answer.outcome
      bump(tally.statuses, label)
      bump(fam.statuses, label)
      if (answer.outcome !== 'answered') {
        // At concurrency 1 the request before went over the same connection and may be the cause.
        const context = options.concurrency === 1 && before ? `\n  after, on the same connection:\n${describeRequest(before)}` : ''
        tally.bugs.push({ family, what: `${answer.outcome} after ${answer.ms.toFixed(0)} ms: ${answer.error}`, request: describeRequest(request) + context })
        continue
      }
      galleries.observe(request, answer)
      const problems = checkAnswer(request, answer)
      const status = problems.filter((p) => p.startsWith('status '))
      const envelope = problems.filter((p) => !p.startsWith('status '))
      const detail = `HTTP ${answer.status}, ${answer.ms.toFixed(0)} ms; answer: ${answer.text.slice(0, 300)}\n${describeRequest(request)}`
      if (status.length > 0) tally.bugs.push({ family, what: status.join('; '), request: detail })
      if (envelope.length > 0) tally.envelopeProblems.push({ family, what: envelope.join('; '), request: detail })
    }
  }
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker))
  } finally {
    agent.destroy()
  }
}
