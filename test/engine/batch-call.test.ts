/** What the engine hands a model runtime with each batch: the batch's deadline, and a place to report waits. */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { Engine, type BatchCall, type Op } from '../../src/engine/index.js'

function probeOp(process: (batch: readonly number[], call: BatchCall) => Promise<number[]>): Op<number, number, number, number> {
  return { name: 'probe', preprocess: (n) => [n], process, postprocess: (_n, [out]) => out! }
}

describe('batch call', () => {
  it('carries the latest deadline among the requests batched together', async () => {
    const seen: Array<number | undefined> = []
    const engine = new Engine()
    // Batch of 2: both requests go into one process() call.
    const handle = engine.register(
      probeOp(async (batch, call) => {
        seen.push(call.deadlineAt)
        return [...batch]
      }),
      { batchSize: 2, batchTimeoutMs: 1000, concurrency: 1, queueSize: 10 },
    )
    const short = engine.createContext({ deadlineMs: 1_000 })
    const long = engine.createContext({ deadlineMs: 5_000 })
    await Promise.all([engine.serve('a', short, (ctx) => handle.run(1, ctx)), engine.serve('b', long, (ctx) => handle.run(2, ctx))])
    assert.deepEqual(seen, [long.deadlineAt])
    await engine.stop()
  })

  it('counts the time a runtime reports as waited as queued, not as model time', async () => {
    const engine = new Engine()
    const handle = engine.register(
      probeOp(async (batch, call) => {
        await sleep(80) // as if waiting for cores
        call.waited(80)
        await sleep(20) // the model
        return [...batch]
      }),
      { batchSize: 1, batchTimeoutMs: 0, concurrency: 1, queueSize: 10 },
    )
    const ctx = engine.createContext()
    await engine.serve('a', ctx, (c) => handle.run(1, c))
    const ms = (stage: string) => ctx.timings.find((t) => t.op === 'probe' && t.stage === stage)!.ms
    assert.ok(ms('in') >= 79, `in ${ms('in').toFixed(1)} ms`)
    assert.ok(ms('midp') >= 19 && ms('midp') < 60, `midp ${ms('midp').toFixed(1)} ms`)
    await engine.stop()
  })
})
