/** limits.max_requests_in_flight (Engine maxRequestsPerService): one request past the limit of its service is refused before any of its work. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Engine } from '../../src/engine/index.js'

describe('requests in flight per service', () => {
  it('refuses the request past the limit with Overloaded at once, without running its work', async () => {
    const engine = new Engine({ maxRequestsPerService: 2 })
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let started = 0
    const work = () => engine.serve('ocr', engine.createContext({ deadlineMs: 5000 }), async () => {
      started++
      await gate
      return 'done'
    })
    const first = [work(), work()]
    const t0 = performance.now()
    await assert.rejects(work(), (error: Error & { retryAfterS?: number }) => {
      assert.equal(error.name, 'Overloaded')
      assert.match(error.message, /service ocr is overloaded: 2 requests .*max_requests_in_flight 2/)
      assert.ok((error.retryAfterS ?? 0) >= 1)
      return true
    })
    assert.ok(performance.now() - t0 < 50, 'refused at once')
    // Another service has its own count.
    assert.equal(await engine.serve('classify', engine.createContext({ deadlineMs: 5000 }), async () => 'other'), 'other')
    await Promise.resolve()
    assert.equal(started, 2, 'the refused request never started its work')
    assert.deepEqual([...engine.requestsInFlight()], [['ocr', 2], ['classify', 0]])
    release()
    assert.deepEqual(await Promise.all(first), ['done', 'done'])
    // Slots come back when requests end, failures included.
    await assert.rejects(engine.serve('ocr', engine.createContext({ deadlineMs: 5000 }), async () => { throw new Error('boom') }))
    assert.equal(await work(), 'done')
    assert.equal(engine.requestsInFlight().get('ocr'), 0)
    await engine.stop()
  })
})
