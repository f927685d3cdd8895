import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Engine } from '../../src/engine/index.js'
import { createEchoOp } from './echo-op.js'

describe('stage timings', () => {
  it('records in, prep, midp, out and postp in the context and the tracer', async () => {
    const engine = new Engine()
    const handle = engine.register(createEchoOp({ delayMs: 20 }), {
      batchSize: 8,
      batchTimeoutMs: 30,
      concurrency: 1,
      queueSize: 10,
    })
    const ctx = engine.createContext({ deadlineMs: 5000 })
    assert.deepEqual(await engine.serve('echo', ctx, (c) => handle.run([1, 2], c)), [10, 20])

    const ms = Object.fromEntries(ctx.timings.map((t) => [t.stage, t.ms]))
    assert.deepEqual(ctx.timings.map((t) => `${t.op}:${t.stage}`), ['echo:prep', 'echo:in', 'echo:midp', 'echo:out', 'echo:postp'])
    assert.ok(ms.in! >= 25 && ms.in! < 200, `in = ${ms.in}`)
    assert.ok(ms.midp! >= 15 && ms.midp! < 200, `midp = ${ms.midp}`)
    assert.ok(ms.out! >= 0 && ms.out! < 15, `out = ${ms.out}`)
    assert.ok(ms.prep! < 15 && ms.postp! < 15)

    const { ops, services } = engine.tracer.snapshot()
    assert.equal(ops.echo?.count, 1)
    assert.equal(ops.echo?.midp, ms.midp)
    assert.ok(ops.echo!.idle > 0 && ops.echo!.idle < 1)
    assert.equal(services.echo?.count, 1)
    assert.equal(services.echo?.successRatio, 1)
    assert.ok(services.echo!.latency.p50 >= ms.in! + ms.midp!)
    // serve() disposed the context: its deadline can no longer fire.
    assert.equal(ctx.signal.aborted, false)
    await engine.stop()
  })

  it('counts a split request as processing only while one of its batches ran', async () => {
    const engine = new Engine()
    const handle = engine.register(createEchoOp({ delayMs: 15 }), {
      batchSize: 1,
      batchTimeoutMs: 0,
      concurrency: 1,
      queueSize: 10,
    })
    const ctx = engine.createContext()
    await engine.serve('echo', ctx, (c) => handle.run([1, 2, 3], c))
    const ms = Object.fromEntries(ctx.timings.map((t) => [t.stage, t.ms]))
    // Three sequential 15 ms batches: ~45 ms processing, and the 2nd and 3rd item waited ~30 ms.
    assert.ok(ms.midp! >= 40, `midp = ${ms.midp}`)
    assert.ok(ms.in! < 15, `in = ${ms.in}`)
    await engine.stop()
  })
})
