/**
 * score_thres: auto end to end with the real default features: a drink gallery built on first
 * start records a fitted threshold (GET /gallery/drink shows it), /recognize uses it, a request's
 * score_thres wins, and a gallery of other content (a subset of its labels) fits another one.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { faissUnavailableReason } from '../../../src/retrieval/faiss-loader.js'
import { GalleryIndex } from '../../../src/retrieval/gallery-index.js'
import { startTestServer, type TestServer } from '../../helpers/http-server.js'
import { createRecognitionEnv, GALLERY_ROOT, recognitionConfig, type RecognitionEnv } from '../../helpers/recognition-env.js'
import { needsSharedAssets } from '../../helpers/shared-assets.js'

const faissMissing = faissUnavailableReason()
if (faissMissing && process.env.CI === 'true') throw new Error(`CI=true but faiss is unavailable: ${faissMissing}`)
const skip = needsSharedAssets || (faissMissing ? `faiss unavailable: ${faissMissing}` : false)

const TARGET_FAR = 0.05

describe('score_thres: auto on the drink gallery', { skip, timeout: 300_000 }, () => {
  let env: RecognitionEnv
  let server: TestServer

  before(async () => {
    // Not whitened: whitening fitted on 240 images to 256 dims makes the gallery's own vectors
    // nearly orthogonal, so leave-one-out on them says nothing (the full gallery is whitened).
    env = await createRecognitionEnv(240)
    const overrides = { score_thres: 'auto', score_calibration: { target_far: TARGET_FAR }, index: { whiten: false } }
    server = await startTestServer(recognitionConfig(env, overrides))
  })
  after(async () => {
    await server?.close()
    await env?.remove()
  })

  async function recognize(file: string, query = '') {
    const response = await fetch(`${server.url}/recognize${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(file) })
    assert.equal(response.status, 200, await response.clone().text())
    return ((await response.json()) as { results: Array<Array<{ rec_docs: string; rec_scores: number }>> }).results[0]!
  }

  it('the built index records a fitted threshold with FAR ≤ target, shown by GET /gallery/drink', async (t) => {
    const info = (await (await fetch(`${server.url}/gallery/drink`)).json()) as { calibration: { threshold: number; far: number; gar: number; settings: { targetFar: number }; items: number } }
    const { calibration } = info
    t.diagnostic(`240 drink images: threshold ${calibration.threshold}, far ${calibration.far}, gar ${calibration.gar}`)
    assert.equal(calibration.settings.targetFar, TARGET_FAR)
    assert.equal(calibration.items, 240)
    assert.ok(calibration.threshold > 0.15 && calibration.threshold < 0.95, `threshold ${calibration.threshold}`)
    assert.ok(calibration.far <= TARGET_FAR)
    assert.ok(calibration.gar > 0.5, `gar ${calibration.gar}`)
    const recorded = (await GalleryIndex.open(path.join(env.indexesDir, 'drink'))).manifest.calibration!
    assert.equal(recorded.threshold, calibration.threshold)
  })

  it('auto names a gallery photo; a lower request score_thres names what auto rejects', async () => {
    const [inGallery, label] = env.lines[77]!
    assert.equal((await recognize(path.join(GALLERY_ROOT, inGallery)))[0]?.rec_docs, label)
    // A photo past the gallery's 240 lines, of a product it holds: under the fitted threshold here.
    const all = (await readFile(path.join(GALLERY_ROOT, 'drink_label_all.txt'), 'utf8')).split('\n').map((l) => l.split('\t'))
    const known = new Set(env.lines.map(([, l]) => l))
    const [outside] = all.slice(240).find(([, l]) => l !== undefined && known.has(l))!
    const photo = path.join(GALLERY_ROOT, outside!)
    assert.deepEqual(await recognize(photo), [], `${outside} is under the fitted threshold`)
    assert.ok((await recognize(photo, '?score_thres=0.3')).length >= 1, 'a lower request threshold names it')
    assert.deepEqual(await recognize(photo, '?score_thres=auto'), [], 'a request may ask for the fitted threshold by name')
    const bad = await fetch(`${server.url}/recognize?score_thres=high`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(photo) })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /score_thres: must be a number from 0 to 1, or \\"auto\\"/)
  })

  it('a gallery of other content (half of the labels) fits a different threshold', async () => {
    const gallery = await GalleryIndex.open(path.join(env.indexesDir, 'drink'))
    const labels = [...new Set(gallery.entries.map((e) => e.label))]
    const kept = new Set(labels.slice(0, Math.ceil(labels.length / 2)))
    const positions = gallery.entries.flatMap((e, i) => (kept.has(e.label) ? [i] : []))
    const { vectors } = gallery.snapshot().index
    const dim = gallery.manifest.dim
    const subset = new Float32Array(positions.length * dim)
    positions.forEach((p, i) => subset.set(vectors.subarray(p * dim, (p + 1) * dim), i * dim))
    const entries = positions.map((p, id) => ({ ...gallery.entries[p]!, id }))
    const other = await GalleryIndex.create(
      path.join(env.indexesDir, 'half'),
      { dim, metric: 'IP', method: 'Flat', model: gallery.manifest.model, calibration: gallery.calibrationSettings },
      { vectors: subset, entries, nextId: entries.length },
    )
    assert.ok(other.manifest.calibration!.threshold !== null)
    assert.notEqual(other.manifest.calibration!.threshold, gallery.manifest.calibration!.threshold)
  })
})
