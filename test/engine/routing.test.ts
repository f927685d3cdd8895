import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Engine, InferenceError, InvalidInput } from '../../src/engine/index.js'
import { createEchoOp, outcome } from './echo-op.js'

describe('result routing', () => {
  it('gives every caller exactly its own items, in order, when batches mix requests', async () => {
    const engine = new Engine()
    const op = createEchoOp({ delayMs: () => Math.random() * 5 })
    const handle = engine.register(op, { batchSize: 4, batchTimeoutMs: 2, concurrency: 3, queueSize: 1000 })
    // Request r sends items r*100 + 0..k, so any item tells which request it came from.
    const inputs = Array.from({ length: 40 }, (_, r) =>
      Array.from({ length: 1 + Math.floor(Math.random() * 6) }, (_, j) => r * 100 + j),
    )
    const results = await Promise.all(
      inputs.map(async (input) => {
        await sleep(Math.random() * 10)
        return engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx))
      }),
    )

    assert.deepEqual(results, inputs.map((input) => input.map((n) => n * 10)))
    const requestsPerBatch = op.batches.map((batch) => new Set(batch.map((n) => Math.floor(n / 100))).size)
    assert.ok(requestsPerBatch.some((n) => n > 1), 'no batch mixed requests')
    assert.ok(op.batches.every((batch) => batch.length <= 4))
    assert.equal(op.batches.flat().length, inputs.flat().length)
    await engine.stop()
  })

  it('fails only the requests whose items came back as errors', async () => {
    const engine = new Engine()
    const broken = new RangeError('bad pixel')
    const op = createEchoOp({
      failItem: (n) => (n === 21 ? broken : n === 31 ? new InvalidInput('item 31 is not an image') : undefined),
    })
    const handle = engine.register(op, { batchSize: 16, batchTimeoutMs: 20, concurrency: 1, queueSize: 100 })
    const inputs = [[10, 11], [20, 21, 22], [30, 31], [40]]
    const outcomes = await Promise.all(
      inputs.map((input) =>
        outcome(engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx))),
      ),
    )

    assert.deepEqual(op.batches, [[10, 11, 20, 21, 22, 30, 31, 40]], 'all four requests shared one batch')
    assert.deepEqual(outcomes[0]!.value, [100, 110])
    assert.deepEqual(outcomes[3]!.value, [400])
    const wrapped = outcomes[1]!.error
    assert.ok(wrapped instanceof InferenceError)
    assert.equal(wrapped.cause, broken)
    assert.match(wrapped.message, /op "echo".*bad pixel/)
    // A ServingError entry reaches the caller unchanged.
    assert.ok(outcomes[2]!.error instanceof InvalidInput)
    assert.equal((outcomes[2]!.error as InvalidInput).message, 'item 31 is not an image')
    const services = engine.tracer.snapshot().services
    assert.equal(services.echo?.count, 4)
    assert.equal(services.echo?.successRatio, 0.5)
    await engine.stop()
  })

  it('rejects every request when process returns the wrong number of outputs', async () => {
    const engine = new Engine()
    const op = createEchoOp()
    op.process = async (batch) => batch.slice(1).map((n) => n * 10)
    const handle = engine.register(op, { batchSize: 4, batchTimeoutMs: 10, concurrency: 1, queueSize: 10 })
    const run = (input: number[]) =>
      outcome(engine.serve('echo', engine.createContext({ deadlineMs: 5000 }), (ctx) => handle.run(input, ctx)))
    const [a, b] = await Promise.all([run([1]), run([2, 3])])

    for (const { error } of [a, b]) {
      assert.ok(error instanceof InferenceError)
      assert.match(error.message, /returned 2 outputs for a batch of 3 items/)
    }
    await engine.stop()
  })
})
