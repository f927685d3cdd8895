/**
 * The fuzz suite (issue 11, item 4): fast-check generates malformed requests — mutated images,
 * broken JSON and multipart, wrong types, extreme option values, odd paths — against the native
 * routes and every protocol's, on the real server over fake models (./fuzz-server.ts). Each
 * answer: no 5xx but 503/504, errors in the route's envelope (./envelopes.ts), within 1 s (the
 * fake models answer at once, so that is 1 s past the expected time), no connection failure.
 * After: /healthz and /readyz OK, normal requests work, no file written outside the index folder,
 * and the galleries hold exactly what the successful changes imply, with only their own files
 * (./gallery-checks.ts). The gallery families need the faiss addon and skip, saying why, without it.
 *
 * Reproducible: FUZZ_SEED (default below) seeds family i with FUZZ_SEED + i; a failure prints
 * fast-check's seed and path and the request. Replay one family with FUZZ_SEED, FUZZ_ONLY=<family>
 * and FUZZ_PATH=<path>. FUZZ_RUNS sets the requests per family.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { smallJpeg } from '../helpers/bad-images.js'
import { describeRequest, send, type FuzzRequest } from './client.js'
import { checkAnswer } from './envelopes.js'
import { fileChanges, recognitionSkip, snapshotFiles, startFuzzServer, type FileSnapshot, type FuzzEnv } from './fuzz-server.js'
import { checkGalleryContents, checkIndexFolder, checkSearchable } from './gallery-checks.js'
import { DEFAULT_INDEX } from './gallery-seed.js'
import { GalleryState } from './gallery-state.js'
import { GALLERY_TOKEN } from './gallery-values.js'
import { seedImages } from './images.js'
import { familyArbs } from './requests.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20261127)
const RUNS = Number(process.env.FUZZ_RUNS ?? 400)
const ONLY = process.env.FUZZ_ONLY
const BUDGET_MS = 1000

describe(`fuzz (seed ${SEED}, ${RUNS} requests per family)`, () => {
  let env: FuzzEnv
  let families: ReturnType<typeof familyArbs>
  let agent: http.Agent
  let galleries: GalleryState
  let filesBefore: FileSnapshot
  let sampler: NodeJS.Timeout
  let peakRss = 0
  const rssBefore = process.memoryUsage().rss
  const stats = { requests: 0, statuses: new Map<string, number>(), byFamily: new Map<string, Map<string, number>>(), family: '', slowestMs: 0, started: 0 }
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss))

  before(async () => {
    env = await startFuzzServer()
    families = familyArbs(await seedImages(), env.seed)
    galleries = new GalleryState(DEFAULT_INDEX, env.seed)
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    filesBefore = await snapshotFiles(env)
    sampler = setInterval(sampleRss, 25)
    stats.started = performance.now()
  })
  after(async () => {
    clearInterval(sampler)
    agent?.destroy()
    await env?.close()
  })

  /** The request before, on the same keep-alive connection: a connection failure may be its doing. */
  let previous: FuzzRequest | undefined
  /** Sends the request and fails with the reproducer on a 5xx, a bad envelope, a hang or a failed connection. */
  async function attack(generated: FuzzRequest): Promise<void> {
    const request = galleries.resolve(generated)
    const answer = await send(env.server.url, request, BUDGET_MS, agent)
    const before = previous
    previous = request
    stats.requests++
    sampleRss()
    stats.slowestMs = Math.max(stats.slowestMs, answer.ms)
    const label = answer.outcome === 'answered' ? String(answer.status) : answer.outcome
    count(stats.statuses, label)
    if (!stats.byFamily.has(stats.family)) stats.byFamily.set(stats.family, new Map())
    count(stats.byFamily.get(stats.family)!, label)
    if (answer.outcome !== 'answered') {
      const context = before ? `\n  after, on the same connection:\n${describeRequest(before)}` : ''
      assert.fail(`${answer.outcome} after ${answer.ms.toFixed(0)} ms: ${answer.error}\n${describeRequest(request)}${context}`)
    }
    galleries.observe(request, answer)
    const problems = checkAnswer(request, answer)
    if (problems.length > 0) assert.fail(`${problems.join('; ')} (HTTP ${answer.status}, ${answer.ms.toFixed(0)} ms)\n  answer: ${answer.text.slice(0, 300)}\n${describeRequest(request)}`)
  }

  const NAMES = ['nativeRaw', 'nativeJson', 'multipart', 'paddleServing', 'paddleHub', 'paddlex', 'kserve', 'oddPaths', 'gallery', 'shitu'] as const
  const NEEDS_GALLERY = new Set<string>(['gallery', 'shitu'])
  NAMES.forEach((name, i) => {
    const skip = (ONLY !== undefined && ONLY !== name) || (NEEDS_GALLERY.has(name) && recognitionSkip)
    it(`${name}: ${RUNS} generated requests`, { skip }, async () => {
      stats.family = name
      // Printed as a reproducer, not as the object with its (maybe large) body.
      const arb = families[name].map((r) => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) }))
      await fc.assert(fc.asyncProperty(arb, attack), { seed: SEED + i, numRuns: RUNS, path: ONLY === name ? process.env.FUZZ_PATH : undefined, includeErrorInReport: true })
    })
  })

  it('after the run: healthy, ready, normal requests answered, no file written outside the index folder', async () => {
    const elapsedS = (performance.now() - stats.started) / 1000
    const tally = (counts: Map<string, number>) => [...counts].sort().map(([s, n]) => `${s}×${n}`).join(' ')
    console.log(`# fuzz: ${stats.requests} requests in ${elapsedS.toFixed(1)} s (seed ${SEED}); statuses ${tally(stats.statuses)}; slowest ${stats.slowestMs.toFixed(0)} ms; ${galleries.changes} gallery changes`)
    for (const [family, counts] of stats.byFamily) console.log(`# fuzz:   ${family}: ${tally(counts)}`)
    console.log(`# fuzz: RSS of the test process (server in-process): ${mb(rssBefore)} MB before the server started, peak ${mb(peakRss)} MB during the run, ${mb(process.memoryUsage().rss)} MB after`)
    const url = env.server.url
    assert.equal((await fetch(`${url}/healthz`)).status, 200)
    const ready = await fetch(`${url}/readyz`)
    assert.equal(ready.status, 200, await ready.text())
    const jpeg = await smallJpeg()
    const ocr = await fetch(`${url}/ocr`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg })
    assert.equal(ocr.status, 200, await ocr.clone().text())
    assert.deepEqual(await ocr.json(), { results: [[]] })
    const classify = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg })
    assert.equal(classify.status, 200, await classify.clone().text())
    assert.equal(((await classify.json()) as { model: string }).model, 'text_direction')
    const pipeline = await fetch(`${url}/ocr/prediction`, { method: 'POST', body: JSON.stringify({ key: ['image'], value: [Buffer.from(jpeg).toString('base64')] }) })
    assert.equal(((await pipeline.json()) as { err_no: number }).err_no, 0)
    const { written, newTmpEntries } = fileChanges(filesBefore, await snapshotFiles(env))
    assert.deepEqual(written, [], 'files written outside the index folder')
    // The server's own temp dir (./fuzz-server.ts): every new entry there is the server's.
    assert.deepEqual(newTmpEntries, [], 'new entries in the temp dir')
  })

  it('after the run: each gallery holds what the successful changes imply, only its own files, and is still searched and changed', { skip: recognitionSkip }, async () => {
    await checkGalleryContents(env.server.url, galleries)
    await checkIndexFolder(env.indexesDir, galleries, DEFAULT_INDEX, env.seed.length)
    await checkSearchable(env.server.url, galleries, DEFAULT_INDEX, env.seed, GALLERY_TOKEN)
  })
})

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)
const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
