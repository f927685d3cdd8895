import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Engine } from '../../src/engine/index.js'
import { createEchoOp } from './echo-op.js'

function setup(settings: { batchSize: number; batchTimeoutMs: number; concurrency: number }, delayMs = 0) {
  const engine = new Engine()
  const op = createEchoOp({ delayMs })
  const handle = engine.register(op, { ...settings, queueSize: 100 })
  const ask = (input: number[]) =>
    engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx))
  return { engine, op, handle, ask }
}

describe('dynamic batching', () => {
  it('merges concurrent requests into batches no larger than batchSize', async () => {
    const { engine, op, ask } = setup({ batchSize: 4, batchTimeoutMs: 0, concurrency: 1 }, 20)
    const inputs = Array.from({ length: 10 }, (_, r) => [r + 1])
    const results = await Promise.all(inputs.map(ask))

    assert.deepEqual(results, inputs.map(([n]) => [n! * 10]))
    // The first request leaves alone (timeout 0, free slot); the other nine pile up behind it.
    assert.deepEqual(op.batches, [[1], [2, 3, 4, 5], [6, 7, 8, 9], [10]])
    assert.ok(op.batches.every((batch) => batch.length <= 4))
    await engine.stop()
  })

  it('sends a full batch at once instead of waiting for the timeout', async () => {
    const { engine, op, ask } = setup({ batchSize: 4, batchTimeoutMs: 1000, concurrency: 2 })
    const started = performance.now()
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ask([n])))
    const ms = performance.now() - started

    assert.deepEqual(results.flat(), [10, 20, 30, 40, 50, 60, 70, 80])
    assert.deepEqual(op.batches, [[1, 2, 3, 4], [5, 6, 7, 8]])
    assert.ok(ms < 200, `took ${ms} ms`)
    await engine.stop()
  })

  it('sends a lone request after batchTimeoutMs', async () => {
    const { engine, op, ask } = setup({ batchSize: 8, batchTimeoutMs: 50, concurrency: 1 })
    const started = performance.now()
    const result = await ask([7])
    const ms = performance.now() - started

    assert.deepEqual(result, [70])
    assert.deepEqual(op.batches, [[7]])
    assert.ok(ms >= 45, `left after ${ms} ms, before the 50 ms timeout`)
    assert.ok(ms < 500, `left after ${ms} ms`)
    await engine.stop()
  })

  it('splits a request larger than batchSize across batches, in order', async () => {
    const { engine, op, ask } = setup({ batchSize: 3, batchTimeoutMs: 0, concurrency: 2 }, 5)
    const result = await ask([1, 2, 3, 4, 5, 6, 7])

    assert.deepEqual(result, [10, 20, 30, 40, 50, 60, 70])
    // Two slots: the first two batches leave together, the rest when a slot frees.
    assert.deepEqual(op.batches, [[1, 2, 3], [4, 5, 6], [7]])
    await engine.stop()
  })

  it('lets the next free slot take up to batchSize of the items that accumulated', async () => {
    const { engine, op, handle, ask } = setup({ batchSize: 3, batchTimeoutMs: 0, concurrency: 1 })
    op.block()
    const first = ask([1])
    const rest = [2, 3, 4, 5, 6].map((n) => ask([n]))
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(handle.stats(), { queued: 5, inflight: 1 })
    op.release()

    assert.deepEqual(await Promise.all([first, ...rest]), [[10], [20], [30], [40], [50], [60]])
    assert.deepEqual(op.batches, [[1], [2, 3, 4], [5, 6]])
    assert.deepEqual(handle.stats(), { queued: 0, inflight: 0 })
    await engine.stop()
  })

  it('skips the queue for a request with no items', async () => {
    const { engine, op, ask } = setup({ batchSize: 4, batchTimeoutMs: 1000, concurrency: 1 })
    const started = performance.now()
    assert.deepEqual(await ask([]), [])
    assert.ok(performance.now() - started < 100)
    assert.deepEqual(op.batches, [])
    await engine.stop()
  })
})
