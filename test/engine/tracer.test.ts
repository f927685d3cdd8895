import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Tracer } from '../../src/engine/index.js'
import { LatencyWindow } from '../../src/engine/latency-window.js'

function clock(start = 1000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('Tracer', () => {
  it('computes latency percentiles, mean, success ratio and qps for a service', () => {
    const time = clock()
    const tracer = new Tracer({ now: time.now })
    // Shuffled on purpose: percentiles must not depend on arrival order.
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1).sort(() => Math.random() - 0.5)
    latencies.forEach((ms, i) => tracer.recordRequest('ocr', i % 4 !== 0, ms))
    time.advance(10_000)

    const { services, windowS } = tracer.snapshot()
    assert.equal(windowS, 10)
    assert.deepEqual(services.ocr, {
      count: 100,
      qps: 10,
      successRatio: 0.75,
      latency: { mean: 50.5, p50: 50, p90: 90, p95: 95, p99: 99 },
    })
  })

  it('computes per-stage means and the idle ratio of an op', () => {
    const tracer = new Tracer()
    for (const [stage, ms] of [['in', 8], ['in', 12], ['prep', 5], ['midp', 20], ['postp', 5], ['out', 10]] as const) {
      tracer.recordOp('det', stage, ms)
    }
    tracer.recordOp('det', 'prep', 5)
    const det = tracer.snapshot().ops.det
    // idle = 1 - (5 + 20 + 5) / (10 + 5 + 20 + 5 + 10)
    assert.deepEqual(det, { count: 2, in: 10, prep: 5, midp: 20, postp: 5, out: 10, idle: 0.4 })
  })

  it('starts a new window on reset', () => {
    const time = clock()
    const tracer = new Tracer({ now: time.now })
    tracer.recordRequest('cls', true, 5)
    tracer.recordOp('cls', 'midp', 3)
    time.advance(2000)
    const first = tracer.snapshot({ reset: true })
    assert.equal(first.services.cls?.count, 1)
    assert.equal(first.services.cls?.qps, 0.5)

    assert.deepEqual(tracer.snapshot(), { windowS: 0, ops: {}, services: {} })
    time.advance(1000)
    tracer.recordRequest('cls', false, 7)
    assert.deepEqual(tracer.snapshot().services.cls, {
      count: 1,
      qps: 1,
      successRatio: 0,
      latency: { mean: 7, p50: 7, p90: 7, p95: 7, p99: 7 },
    })
  })

  it('keeps only the most recent latencies for percentiles, but counts every request', () => {
    const tracer = new Tracer({ latencyWindow: 10 })
    for (let ms = 1; ms <= 100; ms++) tracer.recordRequest('ocr', true, ms)
    const { count, latency } = tracer.snapshot().services.ocr!
    assert.equal(count, 100)
    assert.equal(latency.mean, 50.5)
    assert.deepEqual([latency.p50, latency.p90, latency.p99], [95, 99, 100])
  })

  it('logs one line per op and service each interval, and stops', async () => {
    const tracer = new Tracer()
    const lines: string[] = []
    tracer.start(0.02, (line) => lines.push(line))
    tracer.recordOp('rec', 'midp', 4)
    tracer.recordRequest('ocr', true, 12)
    await sleep(35)
    tracer.stop()
    assert.equal(lines.length, 2)
    assert.match(lines[0]!, /^op=rec count=1 .*midp=4\.00ms .*idle=0\.000$/)
    assert.match(lines[1]!, /^service=ocr count=1 qps=\d+\.\d\d success=1\.000 mean=12\.00ms p50=12\.00ms/)
    await sleep(30)
    assert.equal(lines.length, 2, 'logged after stop()')
  })
})

describe('LatencyWindow', () => {
  it('returns zeros when empty and nearest-rank percentiles otherwise', () => {
    const window = new LatencyWindow(4)
    assert.deepEqual(window.percentiles(), { p50: 0, p90: 0, p95: 0, p99: 0 })
    for (const ms of [40, 10, 30, 20]) window.add(ms)
    assert.deepEqual(window.percentiles(), { p50: 20, p90: 40, p95: 40, p99: 40 })
    // Overwrites the oldest value (40).
    window.add(5)
    assert.equal(window.size, 4)
    assert.deepEqual(window.percentiles(), { p50: 10, p90: 30, p95: 30, p99: 30 })
  })
})
