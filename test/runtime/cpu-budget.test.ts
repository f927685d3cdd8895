/** The CPU budget: a lone call gets every core, overlapping calls one each, never more than the budget in all. */
import assert from 'node:assert/strict'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { CpuBudget, type CpuGrant } from '../../src/runtime/cpu-budget.js'

const PLANNED = { narrow: 1, wide: 4 }

describe('CPU budget', () => {
  it('gives a call that runs alone every core', async () => {
    const budget = new CpuBudget(4)
    const grant = await budget.acquire(PLANNED)
    assert.equal(grant.threads, 4)
    assert.deepEqual(budget.stats(), { running: 1, waiting: 0, freeThreads: 0 })
    grant.release()
    grant.release() // idempotent
    assert.deepEqual(budget.stats(), { running: 0, waiting: 0, freeThreads: 4 })
  })

  it('gives calls that arrive together one core each (the batches of one request share the cores)', async () => {
    const budget = new CpuBudget(2)
    const grants = await Promise.all([budget.acquire(PLANNED), budget.acquire(PLANNED)])
    assert.deepEqual(grants.map((g) => g.threads), [1, 1])
  })

  it('never grants more threads than the budget: later calls wait, in arrival order', async () => {
    const budget = new CpuBudget(2)
    const order: number[] = []
    const granted: CpuGrant[] = []
    const pending = [0, 1, 2, 3, 4].map((i) =>
      budget.acquire(PLANNED).then((grant) => {
        order.push(i)
        granted.push(grant)
        return grant
      }),
    )
    await nextTurn()
    assert.deepEqual(order, [0, 1])
    assert.equal(budget.stats().waiting, 3)
    granted[0]!.release()
    await nextTurn()
    assert.deepEqual(order, [0, 1, 2])
    let inUse = 0
    for (const grant of granted) inUse += grant.threads
    assert.equal(inUse - granted[0]!.threads, 2, 'threads in use after one release')
    for (const grant of [granted[1]!, granted[2]!]) grant.release()
    await Promise.all(pending)
    assert.deepEqual(order, [0, 1, 2, 3, 4])
  })

  it('waits for a wide call to end before starting another, and a narrow-only call never goes wide', async () => {
    const budget = new CpuBudget(2)
    const wide = await budget.acquire(PLANNED)
    assert.equal(wide.threads, 2)
    let narrowGrant: CpuGrant | undefined
    const narrow = budget.acquire({ narrow: 1 }).then((g) => (narrowGrant = g))
    await nextTurn()
    assert.equal(narrowGrant, undefined, 'no thread is free while the wide call runs')
    wide.release()
    await narrow
    assert.equal(narrowGrant!.threads, 1)
  })

  it('gives a lone call every core only while the server serves one request', async () => {
    let requests = 1
    const budget = new CpuBudget(2, { requestsInFlight: () => requests })
    const lone = await budget.acquire(PLANNED)
    assert.equal(lone.threads, 2, 'one request: the call has the machine')
    lone.release()
    requests = 3 // others are being decoded and preprocessed on the main thread
    const underLoad = await budget.acquire(PLANNED)
    assert.equal(underLoad.threads, 1)
    underLoad.release()
    requests = 0 // a gallery build outside any request
    assert.equal((await budget.acquire(PLANNED)).threads, 2)
  })

  it('caps a demand at the budget (a fixed intra_op_threads above the cores)', async () => {
    const budget = new CpuBudget(2)
    const grant = await budget.acquire({ narrow: 8 })
    assert.equal(grant.threads, 2)
  })

  it('refuses a budget that is not a positive integer', () => {
    assert.throws(() => new CpuBudget(0), RangeError)
    assert.throws(() => new CpuBudget(1.5), RangeError)
  })
})
