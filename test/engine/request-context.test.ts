import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Cancelled, DeadlineExceeded, InvalidOption, RequestContext } from '../../src/engine/index.js'

describe('RequestContext', () => {
  it('aborts with DeadlineExceeded at its deadline', async () => {
    const ctx = new RequestContext({ deadlineMs: 30, requestId: 'r1' })
    assert.equal(ctx.id, 'r1')
    assert.ok(ctx.remainingMs() > 20 && ctx.remainingMs() <= 30)
    const started = performance.now()
    const never = new Promise<string>(() => {})
    await assert.rejects(ctx.guard(never), DeadlineExceeded)
    assert.ok(performance.now() - started >= 25)
    assert.equal(ctx.remainingMs(), 0)
    assert.throws(() => ctx.throwIfAborted(), /request r1 exceeded its deadline of 30 ms/)
    ctx.dispose()
    ctx.dispose()
  })

  it('settles like the guarded promise while not aborted', async () => {
    const ctx = new RequestContext({ deadlineMs: 1000 })
    assert.equal(await ctx.guard(Promise.resolve(42)), 42)
    await assert.rejects(ctx.guard(Promise.reject(new RangeError('boom'))), RangeError)
    assert.equal(ctx.id.length, 36)
    ctx.dispose()
  })

  it('turns a parent abort into Cancelled, and keeps a ServingError reason as it is', async () => {
    const client = new AbortController()
    const ctx = new RequestContext({ deadlineMs: 1000, signal: client.signal })
    const pending = ctx.guard(new Promise(() => {}))
    client.abort()
    await assert.rejects(pending, Cancelled)

    const shutdown = new AbortController()
    const reason = new Cancelled('server is shutting down')
    shutdown.abort(reason)
    const late = new RequestContext({ deadlineMs: 1000, signal: shutdown.signal })
    assert.equal(late.signal.reason, reason)
    // A guarded promise that rejects after the abort must not surface as unhandled.
    await assert.rejects(late.guard(Promise.reject(new Error('ignored'))), Cancelled)
  })

  it('never aborts after dispose()', async () => {
    const ctx = new RequestContext({ deadlineMs: 10 })
    ctx.dispose()
    await sleep(25)
    assert.equal(ctx.signal.aborted, false)
  })

  it('enterCommit(): refused once aborted; after it, neither the deadline nor the client aborts the work', async () => {
    const late = new RequestContext({ deadlineMs: 0 })
    await sleep(5)
    assert.throws(() => late.enterCommit(), DeadlineExceeded)

    const client = new AbortController()
    const ctx = new RequestContext({ deadlineMs: 10, signal: client.signal })
    const commit = ctx.guard(
      (async () => {
        ctx.enterCommit()
        await sleep(30) // past the deadline, and the client leaves meanwhile
        return 'committed'
      })(),
    )
    client.abort()
    assert.equal(await commit, 'committed', 'the answer reports the change that was made')
    assert.equal(ctx.signal.aborted, false)
  })

  it('rejects an invalid deadline', () => {
    assert.throws(() => new RequestContext({ deadlineMs: Number.NaN }), InvalidOption)
    assert.throws(() => new RequestContext({ deadlineMs: -1 }), InvalidOption)
    assert.throws(() => new RequestContext({ deadlineMs: 2 ** 31 }), InvalidOption)
  })
})
