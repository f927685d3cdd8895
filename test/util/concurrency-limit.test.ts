import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConcurrencyLimit } from '../../src/util/concurrency-limit.js'

describe('ConcurrencyLimit', () => {
  it('admits `limit` holders, then hands each freed slot to the next waiter in order', async () => {
    const limit = new ConcurrencyLimit(2)
    const first = await limit.acquire()
    await limit.acquire()
    const order: number[] = []
    const third = limit.acquire().then((release) => (order.push(3), release))
    const fourth = limit.acquire().then((release) => (order.push(4), release))
    assert.equal(limit.waiting, 2)
    first()
    first() // a second release of the same slot frees nothing
    await third
    assert.deepEqual(order, [3])
    assert.equal(limit.active, 2)
    ;(await third)()
    await fourth
    assert.deepEqual(order, [3, 4])
  })

  it('a waiter whose signal aborts leaves the queue with the reason', async () => {
    const limit = new ConcurrencyLimit(1)
    const release = await limit.acquire()
    const controller = new AbortController()
    const waiting = limit.acquire(controller.signal)
    controller.abort(new Error('deadline'))
    await assert.rejects(waiting, /deadline/)
    assert.equal(limit.waiting, 0)
    release()
    assert.equal(limit.active, 0)
  })
})
