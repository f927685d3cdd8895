/** A model runtime sees the latest deadline of the requests in the batch it runs (remote calls use it as their timeout). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { batchDeadline, trackBatchDeadlines } from '../../src/engine/batch-deadline.js'
import { Engine, type Op } from '../../src/engine/index.js'

describe('batch deadline', () => {
  it('is the latest deadline among the requests batched together, and unset outside a batch', async () => {
    const seen: Array<number | undefined> = []
    const op: Op<number, number, number, number> = {
      name: 'deadline-probe',
      preprocess: (n) => [n],
      async process(batch) {
        await Promise.resolve() // still visible after an await inside the call
        seen.push(batchDeadline())
        return batch.map((n) => n)
      },
      postprocess: (_n, [out]) => out!,
    }
    trackBatchDeadlines() // as a remote session does when it opens
    const engine = new Engine()
    // Batch of 2: both requests go into one process() call.
    const handle = engine.register(op, { batchSize: 2, batchTimeoutMs: 1000, concurrency: 1, queueSize: 10 })
    const short = engine.createContext({ deadlineMs: 1_000 })
    const long = engine.createContext({ deadlineMs: 5_000 })
    await Promise.all([
      engine.serve('a', short, (ctx) => handle.run(1, ctx)),
      engine.serve('b', long, (ctx) => handle.run(2, ctx)),
    ])
    assert.equal(seen.length, 1)
    assert.equal(seen[0], long.deadlineAt)
    assert.equal(batchDeadline(), undefined)
    await engine.stop()
  })
})
