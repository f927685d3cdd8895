/**
 * The phases of `npm run bench:memory` on a started server: RSS right after ready; one ordinary
 * request per service and 5 s of quiet, then idle RSS; the fuzz requests family by family, with
 * the kernel's peak (VmHWM) reset before each family and read after it; then the settle window.
 * VmRSS is sampled every SAMPLE_MS from the start of the fuzz run to the end of the settle window.
 */
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { scrapeBatchTotals, type BatchTotals } from './batch-metrics.js'
import { runFuzz, type FuzzPlan, type FuzzTally } from './fuzz-load.js'
import { serviceImages } from './images.js'
import { SERVICE_IMAGES, type ServiceName } from './load-plan.js'
import { machineInfo } from './machine.js'
import type { MemoryResult } from './memory-report.js'
import { CpuMeter } from './proc-stats.js'
import { progress, progressDone } from './progress.js'
import { median, peakRssBytes, resetPeak, RssSampler } from './rss-sampler.js'
import type { ServerProcess } from './server-process.js'

export const SAMPLE_MS = 50
/** A request without a complete answer after this long counts as a hang (the suite's 1 s assumes fake models). */
const BUDGET_MS = 120_000

export interface RunSettings {
  readonly concurrency: number
  readonly settleS: number
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)

/** Median RSS of samples taken over `ms`. */
async function medianRss(sampler: RssSampler, ms: number): Promise<number> {
  const values: number[] = []
  for (let t = 0; t < ms; t += SAMPLE_MS) {
    values.push(sampler.sample().rssBytes)
    await sleep(SAMPLE_MS)
  }
  return median(values)
}

/** One ordinary request per service with its first benchmark image, so every model has run once. */
async function warmUp(url: string): Promise<Record<string, number | string>> {
  const statuses: Record<string, number | string> = {}
  for (const service of Object.keys(SERVICE_IMAGES) as ServiceName[]) {
    const image = (await serviceImages(service))[0]!
    try {
      const response = await fetch(url + SERVICE_IMAGES[service].route, { method: 'POST', headers: { 'content-type': image.mime }, body: image.bytes })
      await response.arrayBuffer()
      statuses[`${service} ${image.name}`] = response.status
    } catch (error) {
      statuses[`${service} ${image.name}`] = `failed: ${(error as Error).message}`
    }
  }
  return statuses
}

/** Model calls and items per op between two /metrics scrapes (how much real model work the fuzz run caused). */
function modelWork(before: BatchTotals, after: BatchTotals): Record<string, { calls: number; items: number }> {
  const work: Record<string, { calls: number; items: number }> = {}
  for (const [op, { sum, count }] of after) {
    const calls = count - (before.get(op)?.count ?? 0)
    if (calls > 0) work[op] = { calls, items: sum - (before.get(op)?.sum ?? 0) }
  }
  return work
}

export type MeasuredMemory = Omit<MemoryResult, 'date' | 'commit' | 'machine' | 'settings' | 'checks'>

export async function measureMemory(server: ServerProcess, plan: FuzzPlan, settings: RunSettings, tally: FuzzTally): Promise<{ measured: MeasuredMemory; sampler: RssSampler }> {
  const sampler = new RssSampler(server.pid)
  let ticker: NodeJS.Timeout | undefined
  try {
    const ready = await medianRss(sampler, 250)
    progress('warm-up: one request per service')
    const warmup = await warmUp(server.url)
    progress('warm-up done; 5 s quiet before idle is measured')
    await sleep(5000)
    const idle = await medianRss(sampler, 1000)
    const metricsBefore = await scrapeBatchTotals(server.url)

    const fuzzStart = sampler.now()
    sampler.start(SAMPLE_MS)
    const meter = new CpuMeter(server.pid)
    let family = ''
    ticker = setInterval(() => {
      const last = sampler.samples.at(-1)?.rssBytes ?? Number.NaN
      const peak = sampler.window(fuzzStart, Infinity).max
      progress(`fuzz: ${tally.done}/${plan.requests.length} (${family}), ${((sampler.now() - fuzzStart) / 1000).toFixed(0)} s, RSS ${mb(last)} MB (idle ${mb(idle)}, peak ${mb(peak)}), bugs ${tally.bugs.length}`)
    }, 1000)
    // Family by family, so the kernel's peak can be read for each (at concurrency > 1 the queue drains between families).
    const familyPeaks: Record<string, number> = {}
    let kernelPeaks = true
    for (const name of plan.families) {
      const requests = plan.requests.filter((p) => p.family === name)
      if (requests.length === 0) continue
      family = name
      kernelPeaks = resetPeak(server.pid) && kernelPeaks
      await runFuzz(server.url, requests, plan.galleries, { concurrency: settings.concurrency, budgetMs: BUDGET_MS, now: () => sampler.now() }, tally)
      const f = tally.families[name]!
      familyPeaks[name] = kernelPeaks ? peakRssBytes(server.pid) : sampler.window(f.firstSentMs, f.lastAnsweredMs + SAMPLE_MS).max
    }
    const fuzzEnd = sampler.now()
    const cpu = meter.read()
    clearInterval(ticker)
    const modelCalls = modelWork(metricsBefore, await scrapeBatchTotals(server.url))
    progressDone()

    for (let s = 0; s < settings.settleS; s++) {
      progress(`idle after the fuzz run: ${s}/${settings.settleS} s, RSS ${mb(sampler.samples.at(-1)!.rssBytes)} MB (idle ${mb(idle)})`)
      await sleep(1000)
    }
    const settleEnd = sampler.now()
    sampler.stop()
    progressDone()
    const readyAfter = await fetch(`${server.url}/readyz`).then(async (r) => (await r.arrayBuffer(), r.status === 200), () => false)
    const serverLogErrors = readFileSync(server.logFile, 'utf8').split('\n').filter((line) => /^\S+ error /.test(line))

    const fuzzWindow = sampler.window(fuzzStart, fuzzEnd)
    const after = sampler.between(fuzzEnd, settleEnd)
    const afterAt = (s: number) => (after.find((x) => x.atMs >= fuzzEnd + s * 1000) ?? after.at(-1)!).rssBytes
    const points = [...new Set([0, 1, 5, 10, 30, settings.settleS].filter((s) => s <= settings.settleS))]
    const wallS = (fuzzEnd - fuzzStart) / 1000
    const measured: MeasuredMemory = {
      server: { readyAfterS: server.readyAfterS, warmup },
      rss: {
        ready,
        idle,
        fuzzPeakSampled: fuzzWindow.max,
        fuzzPeakKernel: kernelPeaks ? Math.max(...Object.values(familyPeaks)) : Number.NaN,
        fuzzMin: fuzzWindow.min,
        afterMedianLast1s: median(sampler.between(settleEnd - 1000, settleEnd).map((x) => x.rssBytes)),
        afterLast: after.at(-1)!.rssBytes,
        afterMin: Math.min(...after.map((x) => x.rssBytes)),
        afterCurve: points.map((s) => [s, afterAt(s)]),
      },
      sampling: { count: fuzzWindow.count + after.length, maxGapMs: sampler.window(fuzzStart, settleEnd).maxGapMs },
      fuzz: { wallS, requestsPerS: tally.done / wallS, serverCpuCorePct: cpu.corePct, tally, familyPeaks, kernelPeaks, modelCalls },
      after: { ready: readyAfter, serverLogErrors, loadAverage: machineInfo().loadAverage },
    }
    return { measured, sampler }
  } finally {
    clearInterval(ticker)
    sampler.stop()
    progressDone()
  }
}
