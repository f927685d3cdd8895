/** The memory budget (src/engine/memory-budget.ts) alone and as the engine holds it per request. */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Engine } from '../../src/engine/index.js'
import { MemoryBudget } from '../../src/engine/memory-budget.js'
import { RequestContext } from '../../src/engine/request-context.js'

const MB = 2 ** 20
const contexts: RequestContext[] = []
const context = (deadlineMs = 5000, signal?: AbortSignal) => {
  contexts.push(new RequestContext({ deadlineMs, signal }))
  return contexts.at(-1)!
}
after(() => contexts.forEach((ctx) => ctx.dispose()))
const settled = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setImmediate(() => r('pending')))])

describe('MemoryBudget', () => {
  it('admits what fits at once, counts it per request, frees it on release', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 1000 })
    const [a, b] = [context(), context()]
    await budget.reserve(a, 30 * MB, 'a')
    await budget.reserve(a, 20 * MB, 'a again')
    await budget.reserve(b, 50 * MB, 'b')
    assert.deepEqual(budget.stats(), { limitBytes: 100 * MB, reservedBytes: 100 * MB, waiting: 0, refused: 0 })
    budget.release(a)
    budget.release(a) // idempotent
    assert.equal(budget.stats().reservedBytes, 50 * MB)
    budget.release(b)
    assert.equal(budget.stats().reservedBytes, 0)
  })

  it('makes later requests wait, first come first served, and admits them as room frees', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 5000 })
    const [holder, big, small] = [context(), context(), context()]
    await budget.reserve(holder, 80 * MB, 'holder')
    const bigWait = budget.reserve(big, 60 * MB, 'big')
    const smallWait = budget.reserve(small, 10 * MB, 'small')
    // 10 MB would fit now, but the big request came first: it is not overtaken.
    assert.deepEqual([await settled(bigWait), await settled(smallWait)], ['pending', 'pending'])
    assert.equal(budget.stats().waiting, 2)
    budget.release(holder)
    assert.deepEqual([await settled(bigWait), await settled(smallWait)], ['resolved', 'resolved'])
    assert.deepEqual(budget.stats(), { limitBytes: 100 * MB, reservedBytes: 70 * MB, waiting: 0, refused: 0 })
  })

  it('refuses with 503 Overloaded and Retry-After when the budget stays full for the wait', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 50 })
    await budget.reserve(context(), 90 * MB, 'holder')
    const t0 = performance.now()
    await assert.rejects(budget.reserve(context(), 20 * MB, 'these 2 images'), (error: Error & { retryAfterS?: number }) => {
      assert.equal(error.name, 'Overloaded')
      assert.match(error.message, /these 2 images needs about 20 MB and the 100 MB budget .*limits\.memory_budget_mb.* stayed full for 50 ms/)
      assert.equal(error.retryAfterS, 1)
      return true
    })
    const waited = performance.now() - t0
    assert.ok(waited >= 45 && waited < 1000, `waited ${waited} ms`)
    assert.deepEqual(budget.stats(), { limitBytes: 100 * MB, reservedBytes: 90 * MB, waiting: 0, refused: 1 })
  })

  it('never waits past the request deadline', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 10_000 })
    await budget.reserve(context(), 100 * MB, 'holder')
    const t0 = performance.now()
    await assert.rejects(budget.reserve(context(60), 1, 'late'), (error: Error) => ['Overloaded', 'DeadlineExceeded'].includes(error.name))
    assert.ok(performance.now() - t0 < 1000)
  })

  it('refuses with 413 what could never fit, naming the limit', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 1000 })
    const ctx = context()
    await budget.reserve(ctx, 60 * MB, 'first')
    await assert.rejects(budget.reserve(ctx, 50 * MB, 'this image'), (error: Error) => {
      assert.equal(error.name, 'PayloadTooLarge')
      assert.match(error.message, /this image needs about 110 MB of working memory .*limits\.memory_budget_mb is 100 MB/)
      return true
    })
    assert.equal(budget.stats().reservedBytes, 60 * MB)
  })

  it('drops a waiting request whose client goes away, and lets the next one in', async () => {
    const budget = new MemoryBudget({ bytes: 100 * MB, waitMs: 5000 })
    const holder = context()
    await budget.reserve(holder, 70 * MB, 'holder')
    const client = new AbortController()
    const gone = budget.reserve(context(5000, client.signal), 50 * MB, 'gone')
    const next = budget.reserve(context(), 30 * MB, 'next')
    assert.equal(await settled(next), 'pending', 'queued behind the first waiter')
    client.abort()
    await assert.rejects(gone, (error: Error) => error.name === 'Cancelled')
    assert.equal(await settled(next), 'resolved')
    assert.deepEqual(budget.stats(), { limitBytes: 100 * MB, reservedBytes: 100 * MB, waiting: 0, refused: 0 })
  })
})

describe('Engine and the memory budget', () => {
  it('keeps a request’s memory until its work has really ended, even after its deadline answered it', async () => {
    const engine = new Engine({ memoryBudget: { bytes: 100 * MB, waitMs: 0 } })
    let finish!: () => void
    const stillRunning = new Promise<void>((resolve) => (finish = resolve))
    const request = engine.serve('ocr', engine.createContext({ deadlineMs: 30 }), async (ctx) => {
      await engine.memory.reserve(ctx, 80 * MB, 'slow')
      await stillRunning // e.g. a decode that ignores the deadline
    })
    await assert.rejects(request, (error: Error) => error.name === 'DeadlineExceeded')
    assert.equal(engine.memory.stats().reservedBytes, 80 * MB, 'the work still holds its buffers')
    finish()
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(engine.memory.stats().reservedBytes, 0)
    // Failures release too.
    await assert.rejects(engine.serve('ocr', engine.createContext({ deadlineMs: 1000 }), async (ctx) => {
      await engine.memory.reserve(ctx, 80 * MB, 'failing')
      throw new Error('boom')
    }))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(engine.memory.stats().reservedBytes, 0)
    await engine.stop()
  })
})
