import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cancelled, Engine } from '../../src/engine/index.js'
import { createEchoOp, outcome } from './echo-op.js'

describe('engine.stop()', () => {
  it('rejects queued work with Cancelled and resolves after in-flight batches end', async () => {
    const engine = new Engine()
    const op = createEchoOp()
    const handle = engine.register(op, { batchSize: 2, batchTimeoutMs: 0, concurrency: 1, queueSize: 10 })
    const ask = (input: number[]) =>
      outcome(engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx)))
    op.block()
    const inflight = ask([1, 2])
    const queued = ask([3, 4, 5])
    await sleep(1)
    assert.deepEqual(handle.stats(), { queued: 3, inflight: 1 })

    let stopped = false
    const stopping = engine.stop().then(() => (stopped = true))
    const cancelled = await queued
    assert.ok(cancelled.error instanceof Cancelled)
    assert.equal(cancelled.error.message, 'server is shutting down')
    await sleep(20)
    assert.equal(stopped, false, 'stop() resolved while a batch was still running')

    op.release()
    await stopping
    assert.equal(stopped, true)
    assert.deepEqual((await inflight).value, [10, 20])
    assert.deepEqual(op.batches, [[1, 2]])
    assert.deepEqual(handle.stats(), { queued: 0, inflight: 0 })

    const after = await ask([6])
    assert.ok(after.error instanceof Cancelled)
    // Also a request with no items, which would never reach the queue.
    const ctx = engine.createContext({ deadlineMs: 100 })
    const empty = await outcome(handle.run([], ctx))
    ctx.dispose()
    assert.ok(empty.error instanceof Cancelled)
    assert.deepEqual(op.batches, [[1, 2]])
    assert.equal(engine.stop(), engine.stop(), 'stop() is idempotent')
  })

  it('resolves at once when nothing is running', async () => {
    const engine = new Engine()
    engine.register(createEchoOp(), { batchSize: 2, batchTimeoutMs: 1000, concurrency: 1, queueSize: 10 })
    const started = performance.now()
    await engine.stop()
    assert.ok(performance.now() - started < 50)
  })
})
