/**
 * The acceptance-threshold fit (score_thres: auto) on hand-built scores and synthetic galleries:
 * the threshold is the lowest accepting at most target FAR of the impostors, it depends on the
 * gallery's content, it is recorded with each generation and refitted on every change, and the
 * official PPLCNet vectors of the drink index give PaddleClas's 0.5 at the default target.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { GalleryIndex } from '../../src/retrieval/gallery-index.js'
import { readPaddleClasIndex } from '../../src/retrieval/paddleclas-import.js'
import { acceptRate, calibrate, chooseThreshold, DEFAULT_CALIBRATION, leaveOneOutScores, MAX_CALIBRATION_QUERIES, spreadPositions } from '../../src/retrieval/score-calibration.js'
import { VectorIndex, type Metric } from '../../src/retrieval/vector-index.js'
import { seededRandom } from '../../src/util/seeded-random.js'
import { turnsDuring } from '../helpers/event-loop-turns.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'
import { needsFaiss } from './helpers/needs-faiss.js'

const root = mkdtempSync(path.join(tmpdir(), 'ppserve-calibration-'))
after(() => rmSync(root, { recursive: true, force: true }))

/** `labels` clusters of `perLabel` unit vectors: a random centre plus noise of size `spread`. */
function clusters(labels: number, perLabel: number, dim: number, spread: number, seed: number) {
  const next = seededRandom(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next())
  const vectors = new Float32Array(labels * perLabel * dim)
  const names: string[] = []
  for (let l = 0; l < labels; l++) {
    const centre = Array.from({ length: dim }, gauss)
    for (let i = 0; i < perLabel; i++) {
      const v = centre.map((c) => c + spread * gauss())
      const norm = Math.hypot(...v)
      vectors.set(v.map((x) => x / norm), (l * perLabel + i) * dim)
      names.push(`label-${l}`)
    }
  }
  return { vectors, labels: names }
}

const flat = (vectors: Float32Array, dim: number, metric: Metric = 'IP') => VectorIndex.empty({ dim, metric, method: 'Flat' }).withAdded(vectors)

describe('chooseThreshold (known answers)', () => {
  const impostors = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]

  it('accepts at most target FAR of the impostors, just above the first one it must reject', () => {
    assert.equal(chooseThreshold(impostors, 0.1), 0.8501) // 1 of 10 may pass: 0.95; 0.85 must not
    assert.equal(chooseThreshold(impostors, 0.25), 0.7501) // 2 may pass
    assert.equal(chooseThreshold(impostors, 0.05), 0.9501) // none may pass
    assert.equal(acceptRate(impostors, chooseThreshold(impostors, 0.3)), 0.3)
  })

  it('never exceeds the target with ties, off-grid scores, or in any order', () => {
    const tied = [0.6, 0.6, 0.6, 0.2, 0.1]
    assert.equal(chooseThreshold(tied, 0.4), 0.6001) // two of three tied scores cannot pass alone: none does
    assert.equal(acceptRate(tied, 0.6001), 0)
    const t = chooseThreshold([0.31234, 0.9, 0.1, 0.5], 0.25)
    assert.equal(t, 0.5001)
    assert.ok(acceptRate([0.31234, 0.9, 0.1, 0.5], t) <= 0.25)
    assert.throws(() => chooseThreshold([], 0.1), RangeError)
  })
})

describe('calibrate on synthetic galleries', { skip: needsFaiss }, () => {
  const DIM = 16
  const settings = { targetFar: 0.05, minLabels: 5, minItems: 40 }

  it('fits a threshold with FAR ≤ target between the impostor and genuine scores, and reports the counts', async () => {
    const g = clusters(20, 6, DIM, 0.3, 1)
    const c = await calibrate(flat(g.vectors, DIM), g.labels, settings)
    assert.equal(c.items, 120)
    assert.equal(c.labels, 20)
    assert.equal(c.impostors, 120)
    assert.equal(c.genuines, 120)
    assert.ok(c.threshold !== null && c.far !== null && c.gar !== null)
    assert.ok(c.far <= 0.05, `far ${c.far}`)
    assert.ok(c.gar > 0.9, `tight clusters are accepted: gar ${c.gar}`)
    const { impostor } = await leaveOneOutScores(flat(g.vectors, DIM), g.labels)
    assert.equal(acceptRate(impostor, c.threshold), c.far)
  })

  it('a gallery of different content gets a different threshold', async () => {
    const tight = clusters(20, 6, DIM, 0.3, 1)
    const crowded = clusters(80, 6, DIM, 0.3, 1) // more products in the same space: impostors come closer
    const subset = { vectors: tight.vectors.subarray(0, 60 * DIM), labels: tight.labels.slice(0, 60) }
    const a = (await calibrate(flat(tight.vectors, DIM), tight.labels, settings)).threshold!
    const b = (await calibrate(flat(crowded.vectors, DIM), crowded.labels, settings)).threshold!
    const c = (await calibrate(flat(subset.vectors, DIM), subset.labels, settings)).threshold!
    assert.ok(b > a + 0.005, `20 labels ${a} vs 80 labels ${b}`)
    assert.notEqual(a, c, 'half of the labels')
  })

  it('L2 indexes fit the same cosine threshold as IP ones (scores are converted as searches report them)', async () => {
    const g = clusters(10, 5, DIM, 0.5, 3)
    const ip = await calibrate(flat(g.vectors, DIM, 'IP'), g.labels, settings)
    const l2 = await calibrate(flat(g.vectors, DIM, 'L2'), g.labels, settings)
    assert.ok(Math.abs(ip.threshold! - l2.threshold!) <= 2e-4, `${ip.threshold} vs ${l2.threshold}`)
  })

  it('a gallery too small to fit says why and has no threshold', async () => {
    const g = clusters(3, 20, DIM, 0.3, 4)
    const c = await calibrate(flat(g.vectors, DIM), g.labels, settings)
    assert.equal(c.threshold, null)
    assert.match(c.reason!, /too small to fit \(60 items, 3 labels; needs ≥ 40 items and ≥ 5 labels\)/)
  })

  it('a gallery whose labels do not separate (noise around the centres ≫ the centres) is not fitted', async () => {
    const g = clusters(10, 6, DIM, 20, 5)
    const c = await calibrate(flat(g.vectors, DIM), g.labels, settings)
    assert.equal(c.threshold, null)
    assert.match(c.reason!, /accepts only [\d.]+ % of genuine pairs: this gallery does not separate its labels/)
  })

  it('a large gallery is fitted on an even spread of at most 2,000 items, giving the event loop turns while it searches', async () => {
    assert.deepEqual(spreadPositions(10, 4), [1, 3, 6, 8])
    assert.deepEqual(spreadPositions(3, 4), [0, 1, 2])
    const g = clusters(1000, 5, DIM, 0.3, 6)
    const index = flat(g.vectors, DIM)
    const { result: sampled, turns } = await turnsDuring(() => calibrate(index, g.labels, settings))
    assert.equal(sampled.items, 5000)
    assert.equal(sampled.impostors, MAX_CALIBRATION_QUERIES)
    assert.ok(turns >= MAX_CALIBRATION_QUERIES / 32 - 1, `${turns} turns of the event loop during the fit`)
    const full = await calibrate(index, g.labels, settings, Infinity)
    assert.equal(full.impostors, 5000)
    assert.ok(Math.abs(sampled.threshold! - full.threshold!) <= 0.01, `sampled ${sampled.threshold} vs all items ${full.threshold}`)
  })

  it('each generation records its fit; changes refit it; other settings refit in memory only', async () => {
    const dir = path.join(root, 'gallery')
    const g = clusters(20, 6, DIM, 0.6, 5)
    const entries = g.labels.map((label, id) => ({ id, path: `${id}.jpg`, label }))
    const gallery = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'test', calibration: settings }, { vectors: g.vectors, entries, nextId: entries.length })
    const first = gallery.manifest.calibration!
    assert.deepEqual(first.settings, settings)
    assert.equal(first.items, 120)
    const manifest = JSON.parse(readFileSync(path.join(dir, 'gen-000001', 'manifest.json'), 'utf8'))
    assert.equal(manifest.calibration.threshold, first.threshold)

    const started = performance.now()
    await gallery.remove(entries.filter((e) => e.label === 'label-0' || e.label === 'label-1').map((e) => e.id))
    const changeMs = performance.now() - started
    const second = (await GalleryIndex.open(dir)).manifest.calibration!
    assert.equal(second.items, 108)
    assert.equal(second.labels, 18)
    assert.ok(changeMs < 1000, `a change with its refit took ${changeMs.toFixed(0)} ms`)

    const other = { ...settings, targetFar: 0.2 }
    const inMemory = (await GalleryIndex.open(dir, other)).scoreCalibration()
    assert.deepEqual(inMemory.settings, other)
    assert.ok(inMemory.threshold! < second.threshold!, 'a looser target fits a lower threshold')
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'gen-000002', 'manifest.json'), 'utf8')).calibration.settings.targetFar, settings.targetFar, 'refitted in memory only')
    assert.equal(gallery.scoreCalibration(), gallery.manifest.calibration, 'its own settings: the recorded fit')
  })
})

describe('PaddleClas behaviour with the official PPLCNet features', { skip: needsSharedAssets || needsFaiss }, () => {
  it('the drink index PaddleClas built (PPLCNet vectors) fits 0.5 ± 0.01 at the default target FAR', async () => {
    // Only the index's vectors are needed, not the PPLCNet weights: drink_dataset_v1.0/index.
    const source = await readPaddleClasIndex(asset('drink_dataset_v1.0/index'))
    const index = VectorIndex.empty(source.spec).withAdded(source.vectors) // HNSW32, IP, as PaddleClas built it
    const labels = source.entries.map((e) => e.label)
    const c = await calibrate(index, labels, DEFAULT_CALIBRATION)
    assert.equal(c.items, 1069)
    assert.ok(Math.abs(c.threshold! - 0.5) <= 0.01, `fitted ${c.threshold}`)
    assert.ok(c.far! <= DEFAULT_CALIBRATION.targetFar)
    const { impostor } = await leaveOneOutScores(index, labels)
    const farAtHalf = acceptRate(impostor, 0.5)
    assert.ok(farAtHalf > 0.16 && farAtHalf < 0.18, `PaddleClas's 0.5 accepts ${farAtHalf} of impostors`)
  })
})
