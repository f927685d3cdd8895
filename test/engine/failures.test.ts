import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Engine, InferenceError, ModelNotReady } from '../../src/engine/index.js'
import { createEchoOp, outcome } from './echo-op.js'

describe('process failures', () => {
  it('fails every request of a batch whose process() throws, then keeps serving', async () => {
    const engine = new Engine()
    const crash = new Error('session crashed')
    const op = createEchoOp({ throwBatch: (batch) => (batch.includes(13) ? crash : undefined) })
    const handle = engine.register(op, { batchSize: 8, batchTimeoutMs: 20, concurrency: 1, queueSize: 100 })
    const ask = (input: number[]) =>
      outcome(engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx)))

    const first = await Promise.all([ask([11, 12]), ask([13]), ask([14])])
    assert.deepEqual(op.batches, [[11, 12, 13, 14]])
    for (const { error } of first) {
      assert.ok(error instanceof InferenceError)
      assert.equal(error.cause, crash)
      assert.match(error.message, /op "echo" failed on a batch of 4 items: session crashed/)
    }

    const later = await Promise.all([ask([1]), ask([2, 3])])
    assert.deepEqual(
      later.map((o) => o.value),
      [[10], [20, 30]],
    )
    assert.deepEqual(op.batches[1], [1, 2, 3])
    assert.equal(engine.tracer.snapshot().services.echo?.successRatio, 2 / 5)
    await engine.stop()
  })

  it('passes a ServingError thrown by process() through unchanged', async () => {
    const engine = new Engine()
    const op = createEchoOp({ throwBatch: () => new ModelNotReady('model "echo" is still loading') })
    const handle = engine.register(op, { batchSize: 2, batchTimeoutMs: 0, concurrency: 1, queueSize: 10 })
    const { error } = await outcome(
      engine.serve('echo', engine.createContext(), (ctx) => handle.run([1], ctx)),
    )
    assert.ok(error instanceof ModelNotReady)
    await engine.stop()
  })

  it('fails only the request whose preprocess throws', async () => {
    const engine = new Engine()
    const op = createEchoOp()
    op.preprocess = (input) => {
      if (input.length > 3) throw new RangeError('too many items')
      return [...input]
    }
    const handle = engine.register(op, { batchSize: 8, batchTimeoutMs: 5, concurrency: 1, queueSize: 10 })
    const ask = (input: number[]) =>
      outcome(engine.serve('echo', engine.createContext(), (ctx) => handle.run(input, ctx)))
    const [bad, good] = await Promise.all([ask([1, 2, 3, 4]), ask([5])])
    assert.ok(bad.error instanceof RangeError)
    assert.deepEqual(good.value, [50])
    assert.deepEqual(op.batches, [[5]])
    await engine.stop()
  })
})
