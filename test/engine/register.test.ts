import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, Engine } from '../../src/engine/index.js'
import { createEchoOp } from './echo-op.js'

const valid = { batchSize: 4, batchTimeoutMs: 5, concurrency: 1, queueSize: 10 }

describe('Engine.register', () => {
  it('rejects invalid settings, naming the op and the key', () => {
    const engine = new Engine()
    const cases = [
      [{ batchSize: 0 }, /op "echo": batchSize must be an integer ≥ 1, got 0/],
      [{ concurrency: 1.5 }, /op "echo": concurrency must be an integer ≥ 1, got 1.5/],
      [{ queueSize: -1 }, /op "echo": queueSize must be an integer ≥ 1/],
      [{ batchTimeoutMs: Number.NaN }, /op "echo": batchTimeoutMs must be a number ≥ 0, got NaN/],
    ] as const
    for (const [override, message] of cases) {
      assert.throws(() => engine.register(createEchoOp(), { ...valid, ...override }), (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, message)
        return true
      })
    }
  })

  it('rejects a second op with the same name', () => {
    const engine = new Engine()
    engine.register(createEchoOp(), valid)
    assert.throws(() => engine.register(createEchoOp(), valid), /op "echo" is registered twice/)
  })

  it('uses defaultDeadlineMs for contexts created without a deadline', () => {
    const engine = new Engine({ defaultDeadlineMs: 1234 })
    const ctx = engine.createContext({ requestId: 'abc' })
    assert.equal(ctx.id, 'abc')
    assert.ok(Math.abs(ctx.deadlineAt - ctx.startedAt - 1234) < 1e-6)
    ctx.dispose()
  })
})
