import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cancelled, Engine, Overloaded } from '../../src/engine/index.js'
import { createEchoOp, outcome } from './echo-op.js'

function setup(queueSize: number) {
  const engine = new Engine()
  const op = createEchoOp()
  const handle = engine.register(op, { batchSize: 1, batchTimeoutMs: 0, concurrency: 1, queueSize })
  const ask = (input: number[]) =>
    engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx))
  return { engine, op, handle, ask }
}

describe('queue admission', () => {
  it('rejects at once with Overloaded when the queue is full, all or nothing', async () => {
    const { engine, op, handle, ask } = setup(4)
    op.block()
    const running = ask([1])
    const queued = ask([2, 3, 4])
    await sleep(5)
    assert.deepEqual(handle.stats(), { queued: 3, inflight: 1 })

    const started = performance.now()
    const rejected = await outcome(ask([5, 6]), started)
    assert.ok(rejected.error instanceof Overloaded)
    assert.ok(rejected.ms < 50, `rejection took ${rejected.ms} ms`)
    assert.match(rejected.error.message, /op "echo"/)
    assert.match(rejected.error.message, /queueSize 4/)
    assert.ok(rejected.error.retryAfterS >= 1)
    // None of the rejected request's items was admitted; one more item still fits.
    assert.deepEqual(handle.stats(), { queued: 3, inflight: 1 })
    const fits = ask([7])
    await sleep(1)
    assert.deepEqual(handle.stats(), { queued: 4, inflight: 1 })

    op.release()
    assert.deepEqual(await Promise.all([running, queued, fits]), [[10], [20, 30, 40], [70]])
    assert.deepEqual(op.batches.flat(), [1, 2, 3, 4, 7])
    await engine.stop()
  })

  it('admits a request larger than queueSize when the queue is empty', async () => {
    const { engine, op, ask } = setup(2)
    assert.deepEqual(await ask([1, 2, 3, 4, 5]), [10, 20, 30, 40, 50])
    assert.equal(op.batches.length, 5)
    await engine.stop()
  })

  it('frees the slots of an aborted request', async () => {
    const { engine, op, handle, ask } = setup(3)
    op.block()
    const running = ask([1])
    const gone = new AbortController()
    const leaving = outcome(
      engine.serve('echo', engine.createContext({ deadlineMs: 5000, signal: gone.signal }), (ctx) =>
        handle.run([2, 3, 4], ctx),
      ),
    )
    await sleep(1)
    assert.equal(handle.stats().queued, 3)
    gone.abort()
    assert.ok((await leaving).error instanceof Cancelled)
    assert.equal(handle.stats().queued, 0)
    const next = ask([5, 6, 7])
    op.release()
    assert.deepEqual(await Promise.all([running, next]), [[10], [50, 60, 70]])
    assert.deepEqual(op.batches.flat(), [1, 5, 6, 7])
    await engine.stop()
  })
})
