import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cancelled, DeadlineExceeded, Engine } from '../../src/engine/index.js'
import { createEchoOp, outcome } from './echo-op.js'

function setup() {
  const engine = new Engine()
  const op = createEchoOp()
  const handle = engine.register(op, { batchSize: 1, batchTimeoutMs: 0, concurrency: 1, queueSize: 10 })
  const ask = (input: number[], deadlineMs = 5000, signal?: AbortSignal) =>
    engine.serve('echo', engine.createContext({ deadlineMs, signal }), (ctx) => handle.run(input, ctx))
  return { engine, op, handle, ask }
}

describe('deadlines and cancellation', () => {
  it('rejects a queued request at its deadline and never sends its items to process()', async () => {
    const { engine, op, handle, ask } = setup()
    op.block()
    const running = ask([1])
    const started = performance.now()
    const late = await outcome(ask([2, 3], 50), started)

    assert.ok(late.error instanceof DeadlineExceeded)
    assert.ok(late.ms >= 45 && late.ms < 150, `rejected after ${late.ms} ms`)
    assert.equal(handle.stats().queued, 0)
    op.release()
    assert.deepEqual(await running, [10])
    await sleep(10)
    assert.deepEqual(op.batches, [[1]])
    await engine.stop()
  })

  it('rejects at the deadline while its batch is still running', async () => {
    const { engine, op, ask } = setup()
    op.block()
    const started = performance.now()
    const late = await outcome(ask([1], 40), started)

    assert.ok(late.error instanceof DeadlineExceeded)
    assert.ok(late.ms >= 35 && late.ms < 150, `rejected after ${late.ms} ms`)
    op.release()
    // The engine keeps serving once the abandoned batch ends.
    assert.deepEqual(await ask([2]), [20])
    await engine.stop()
  })

  it('cancels a request when its parent signal aborts', async () => {
    const { engine, op, ask } = setup()
    op.block()
    const running = ask([1])
    const client = new AbortController()
    const started = performance.now()
    const gone = outcome(ask([2], 5000, client.signal), started)
    setTimeout(() => client.abort(), 20)
    const { error, ms } = await gone

    assert.ok(error instanceof Cancelled)
    assert.ok(ms < 100, `rejected after ${ms} ms`)
    op.release()
    assert.deepEqual(await running, [10])
    assert.deepEqual(op.batches, [[1]])
    await engine.stop()
  })

  it('does not start a request whose context has already expired', async () => {
    const { engine, op, handle } = setup()
    const ctx = engine.createContext({ deadlineMs: 10 })
    await sleep(20)
    let ran = false
    const expired = await outcome(
      engine.serve('echo', ctx, (c) => {
        ran = true
        return handle.run([1], c)
      }),
    )
    assert.ok(expired.error instanceof DeadlineExceeded)
    assert.match(expired.error.message, /deadline of 10 ms/)
    assert.equal(ran, false)
    assert.deepEqual(op.batches, [])
    await engine.stop()
  })
})
