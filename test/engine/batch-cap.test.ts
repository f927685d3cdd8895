/** Engine.register caps an op's batch size at its model's largest batch, and counts batch sizes. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, Engine, type OpHandle } from '../../src/engine/index.js'
import { setLogLevel, type LogLevel } from '../../src/util/log.js'
import { createEchoOp } from './echo-op.js'

const settings = { batchSize: 4, batchTimeoutMs: 5, concurrency: 1, queueSize: 100 }

/** Runs fn at log level info with stderr (where the logger writes) captured; returns what was written. */
function captureStderr(fn: () => void): string {
  setLogLevel('info') // npm test runs at warn
  const write = process.stderr.write
  let text = ''
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += chunk.toString()
    return true
  }) as typeof process.stderr.write
  try {
    fn()
  } finally {
    process.stderr.write = write
    setLogLevel((process.env.PPSERVE_LOG as LogLevel | undefined) ?? 'info')
  }
  return text
}

describe('batch size capped at the model maximum', () => {
  it('a model that takes one item at a time gets batches of 1, and the cap is logged once', async () => {
    const engine = new Engine()
    const op = createEchoOp({ name: 'classify:foo' })
    let handle!: OpHandle<number[], number[]>
    const logged = captureStderr(() => {
      handle = engine.register(op, { ...settings, batchSize: 8 }, { maxBatch: 1, model: 'foo' })
    })
    assert.match(logged, /info  op classify:foo: batch_size 8 capped at 1 \(model foo accepts batches of at most 1\)\n$/)
    const results = await Promise.all([[1, 2, 3], [4], [5, 6]].map((input) => engine.serve('t', engine.createContext(), (ctx) => handle.run(input, ctx))))
    assert.deepEqual(results, [[10, 20, 30], [40], [50, 60]])
    assert.deepEqual(op.batches, [[1], [2], [3], [4], [5], [6]])
    assert.deepEqual(engine.tracer.batchSizes('classify:foo'), { 1: 6 })
    await engine.stop()
  })

  it('leaves a batch size within the maximum, or with no maximum, alone and silent', async () => {
    const engine = new Engine()
    const logged = captureStderr(() => {
      engine.register(createEchoOp({ name: 'a' }), settings, { maxBatch: 4, model: 'm' })
      engine.register(createEchoOp({ name: 'b' }), settings, { maxBatch: undefined, model: 'm' })
      engine.register(createEchoOp({ name: 'c' }), settings)
    })
    assert.equal(logged, '')
    await engine.stop()
  })

  it('refuses a maximum that is not a positive integer', () => {
    const engine = new Engine()
    assert.throws(() => engine.register(createEchoOp(), settings, { maxBatch: 0 }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /op "echo": the model's maxBatch must be an integer ≥ 1, got 0/)
      return true
    })
  })
})

describe('recorded batch sizes', () => {
  it('counts process() calls per size, per op, across tracer snapshot resets', async () => {
    const engine = new Engine()
    const op = createEchoOp({ delayMs: 20 })
    const handle = engine.register(op, { ...settings, batchTimeoutMs: 0 })
    const ask = (input: number[]) => engine.serve('t', engine.createContext(), (ctx) => handle.run(input, ctx))
    // The first request leaves alone; the next five queue behind it and leave as 4 + 1.
    await Promise.all([[1], [2], [3], [4], [5], [6]].map(ask))
    engine.tracer.snapshot({ reset: true })
    await ask([7, 8])
    assert.deepEqual(op.batches.map((b) => b.length), [1, 4, 1, 2])
    assert.deepEqual(engine.tracer.batchSizes('echo'), { 1: 2, 2: 1, 4: 1 })
    assert.deepEqual(engine.tracer.batchSizes('never-registered'), {})
    await engine.stop()
  })
})
