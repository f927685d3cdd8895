/**
 * Every op hands the engine's BatchCall to its model: a remote model needs the batch's deadline
 * (its timeout), and the CPU budget's wait must reach the engine to be counted as queued. An op
 * that dropped it would still answer, so this records what reaches the sessions of every task
 * and protocol op over HTTP, with fake models.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import type { BatchCall } from '../../src/engine/batch-call.js'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import { createWorkerPoolSession } from '../../src/runtime/worker-pool-session.js'
import { seedItems, writeSeedGallery } from '../fuzz/gallery-seed.js'
import { smallJpeg } from '../helpers/bad-images.js'
import { textDirectionModelsDir } from '../helpers/classifier-package.js'
import { startFakeOcrServer } from '../helpers/fake-ocr-server.js'
import { fakeRecognitionSessions, installFakeRecognitionPackages } from '../helpers/fake-recognition-sessions.js'
import { startTestServer } from '../helpers/http-server.js'
import { needsFaiss } from '../retrieval/helpers/needs-faiss.js'

const DEADLINE_MS = 20_000

/** What reached a model: its file's path and the call's deadline (undefined = no call, or none). */
interface Seen {
  readonly model: string
  readonly deadlineAt: number | undefined
  readonly reportsWaits: boolean
}

function recording(seen: Seen[]): (factory: SessionFactory) => SessionFactory {
  return (factory) => async (modelPath, options, instances) => {
    const session = await factory(modelPath, options, instances)
    const model = modelPath
    return {
      ...session,
      run(feeds, call?: BatchCall) {
        seen.push({ model, deadlineAt: call?.deadlineAt, reportsWaits: typeof call?.waited === 'function' })
        return session.run(feeds, call)
      },
    }
  }
}

/** Each of `models` (parts of model file paths) was called, and every call carried the request's deadline. */
function assertForwarded(seen: readonly Seen[], models: readonly string[], sentAt: number): void {
  const called = [...new Set(seen.map((s) => s.model))]
  for (const model of models) assert.ok(called.some((file) => file.includes(model)), `${model} not called; called: ${called.join(', ')}`)
  for (const s of seen) {
    assert.ok(s.reportsWaits, `${s.model} got no BatchCall`)
    assert.ok(s.deadlineAt !== undefined && Math.abs(s.deadlineAt - (sentAt + DEADLINE_MS)) < 5_000, `${s.model}: deadline ${s.deadlineAt} for a request sent at ${sentAt}`)
  }
}

const deadline = { 'x-deadline-ms': String(DEADLINE_MS) }

describe('every op forwards the batch call to its model', () => {
  it('OCR det, cls and rec, and the KServe op', async () => {
    const seen: Seen[] = []
    const server = await startFakeOcrServer({}, { ms: 0 }, { text: true, wrap: recording(seen) })
    try {
      let sentAt = performance.now()
      const ocr = await fetch(`${server.url}/ocr`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...deadline }, body: await smallJpeg(320, 96) })
      assert.equal(ocr.status, 200, await ocr.text())
      assertForwarded(seen, ['PP-OCRv4_det', 'ppocr_mobile_v2.0_cls', 'PP-OCRv4_rec'], sentAt)

      seen.length = 0
      sentAt = performance.now()
      const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: new Array(3 * 48 * 192).fill(0.5) }] })
      const infer = await fetch(`${server.url}/v2/models/ppocr_mobile_v2_cls/infer`, { method: 'POST', headers: deadline, body })
      assert.equal(infer.status, 200, await infer.text())
      assertForwarded(seen, ['ppocr_mobile_v2.0_cls'], sentAt)
    } finally {
      await server.close()
    }
  })

  it('classification', async () => {
    const seen: Seen[] = []
    const dir = await textDirectionModelsDir()
    const server = await startTestServer(
      { models: { dir }, services: { ocr: { enabled: false }, classify: { default_model: 'text_direction' } } },
      { sessionFactory: recording(seen)((modelPath, options, instances) => createWorkerPoolSession(modelPath, options, instances)) },
    )
    try {
      const sentAt = performance.now()
      const response = await fetch(`${server.url}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...deadline }, body: await smallJpeg() })
      assert.equal(response.status, 200, await response.text())
      assertForwarded(seen, ['ppocr_mobile_v2.0_cls'], sentAt) // the text_direction package's model file
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('recognition: the mainbody detector and the feature extractor', { skip: needsFaiss }, async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-batch-call-'))
    const seen: Seen[] = []
    try {
      await installFakeRecognitionPackages(path.join(root, 'models'))
      await mkdir(path.join(root, 'index'))
      const seed = await seedItems()
      const buildMissing = await writeSeedGallery(path.join(root, 'gallery'), seed)
      const server = await startTestServer(
        {
          models: { dir: path.join(root, 'models'), auto_pull: false },
          services: { ocr: { enabled: false }, recognize: { indexes_dir: path.join(root, 'index'), default_index: 'drink', build_missing: buildMissing } },
        },
        { sessionFactory: recording(seen)(fakeRecognitionSessions()) },
      )
      try {
        seen.length = 0 // the gallery build at start-up runs outside any request
        const sentAt = performance.now()
        const response = await fetch(`${server.url}/recognize`, { method: 'POST', headers: { 'content-type': 'image/png', ...deadline }, body: seed[0]!.png })
        assert.equal(response.status, 200, await response.text())
        assertForwarded(seen, ['picodet_xs_416_coco', 'mobilenet_v2_gem_features'], sentAt)
      } finally {
        await server.close()
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
