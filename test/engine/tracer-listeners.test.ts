/** Tracer listeners: every recorded event reaches subscribers, which never disturb the summary or the engine. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Engine, Tracer, type Op, type Stage } from '../../src/engine/index.js'

describe('Tracer listeners', () => {
  it('receive each stage, batch and request as it is recorded, until unsubscribed', () => {
    const tracer = new Tracer()
    const events: string[] = []
    const unsubscribe = tracer.subscribe({
      stage: (op, stage, ms) => events.push(`stage ${op} ${stage} ${ms}`),
      batch: (op, size) => events.push(`batch ${op} ${size}`),
      request: (service, ok, ms) => events.push(`request ${service} ${ok} ${ms}`),
    })
    const partial: string[] = []
    tracer.subscribe({ batch: (op, size) => partial.push(`${op} ${size}`) })
    tracer.recordOp('det', 'midp', 12)
    tracer.recordBatch('det', 3)
    tracer.recordRequest('ocr', false, 40)
    unsubscribe()
    tracer.recordBatch('det', 1)
    assert.deepEqual(events, ['stage det midp 12', 'batch det 3', 'request ocr false 40'])
    assert.deepEqual(partial, ['det 3', 'det 1'])
    // The windowed summary and the batch histogram are the same with listeners.
    assert.equal(tracer.snapshot().ops.det?.midp, 12)
    assert.equal(tracer.snapshot().services.ocr?.successRatio, 0)
    assert.deepEqual(tracer.batchSizes('det'), { 1: 1, 3: 1 })
  })

  it('a failing listener is logged, and neither the others nor the recording are affected', () => {
    const tracer = new Tracer()
    const seen: number[] = []
    tracer.subscribe({
      batch: () => {
        throw new Error('listener bug')
      },
    })
    tracer.subscribe({ batch: (_op, size) => seen.push(size) })
    const logged: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string | Uint8Array) => logged.push(String(chunk)) > 0) as typeof process.stderr.write
    try {
      assert.doesNotThrow(() => tracer.recordBatch('rec', 6))
    } finally {
      process.stderr.write = write
    }
    if (process.env.PPSERVE_LOG !== 'silent') assert.match(logged.join(''), /tracer listener failed on a batch event: listener bug/)
    assert.deepEqual(seen, [6])
    assert.deepEqual(tracer.batchSizes('rec'), { 6: 1 })
  })

  it('see what an engine request records: its op stages, its batch and the request', async () => {
    const engine = new Engine()
    const events: string[] = []
    engine.tracer.subscribe({
      stage: (op, stage: Stage) => events.push(`${op}:${stage}`),
      batch: (op, size) => events.push(`${op}:batch ${size}`),
      request: (service, ok) => events.push(`${service}:${ok ? 'ok' : 'error'}`),
    })
    const double: Op<number[], number, number, number[]> = {
      name: 'double',
      preprocess: (input) => input,
      process: async (batch) => batch.map((x) => x * 2),
      postprocess: (_input, outputs) => outputs,
    }
    const op = engine.register(double, { batchSize: 4, batchTimeoutMs: 0, concurrency: 1, queueSize: 8 })
    const out = await engine.serve('echo', engine.createContext(), (ctx) => op.run([1, 2], ctx))
    await engine.stop()
    assert.deepEqual(out, [2, 4])
    assert.deepEqual(events, ['double:prep', 'double:batch 2', 'double:in', 'double:midp', 'double:out', 'double:postp', 'echo:ok'])
  })
})
