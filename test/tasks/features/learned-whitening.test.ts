/**
 * Learned whitening on a synthetic gallery built so that PCA whitening cannot separate labels:
 * every image carries a large offset along "nuisance" axes (light, angle) that is the same kind
 * for every label, and labels differ on the other axes. Whitening by the within-label differences
 * removes the nuisance; held-out images of each label must then find their label.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { heldOutRecallAt1 } from '../../../bench/lib/leave-one-out.js'
import { DEFAULT_WHITENING_DIMS } from '../../../src/tasks/features/feature-defaults.js'
import { fitLearnedWhitening } from '../../../src/tasks/features/learned-whitening.js'
import { decodeWhitening, encodeWhitening } from '../../../src/tasks/features/whitening-codec.js'
import { applyWhitening, fitWhitening, type Whitening } from '../../../src/tasks/features/whitening.js'
import { RecognitionGallery } from '../../../src/tasks/recognition/gallery.js'
import { seededRandom } from '../../../src/util/seeded-random.js'
import { needsFaiss } from '../../retrieval/helpers/needs-faiss.js'

const SIGNAL = 8
const NUISANCE = 8

function gallery(labels: number, perLabel: number, seed: number) {
  const next = seededRandom(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next())
  const centres = Array.from({ length: labels }, () => Array.from({ length: SIGNAL }, gauss))
  const vectors: Float32Array[] = []
  const names: string[] = []
  for (let i = 0; i < perLabel; i++) {
    centres.forEach((centre, l) => {
      const signal = centre.map((c) => c + 0.3 * gauss())
      const nuisance = Array.from({ length: NUISANCE }, () => 3 * gauss())
      vectors.push(Float32Array.from([...signal, ...nuisance]))
      names.push(`label-${l}`)
    })
  }
  return { vectors, labels: names }
}

/** Held-out Recall@1 after `whitening`. */
function recallAt1(whitening: Whitening, gallery: readonly Float32Array[], galleryLabels: readonly string[], queries: readonly Float32Array[], queryLabels: readonly string[]): number {
  const apply = (vectors: readonly Float32Array[]) => vectors.map((v) => applyWhitening(whitening, v))
  return heldOutRecallAt1(apply(gallery), galleryLabels, apply(queries), queryLabels)
}

describe('learned whitening', () => {
  const labels = 40
  const data = gallery(labels, 7, 3)
  // The first `labels` vectors are one image of every label: held out as queries.
  const queries = data.vectors.slice(0, labels)
  const queryLabels = data.labels.slice(0, labels)
  const kept = data.vectors.slice(labels)
  const keptLabels = data.labels.slice(labels)

  test('held-out images find their label where PCA whitening cannot tell labels apart', (t) => {
    const pca = recallAt1(fitWhitening(kept, 64), kept, keptLabels, queries, queryLabels)
    const learned = recallAt1(fitLearnedWhitening(kept, keptLabels, 64), kept, keptLabels, queries, queryLabels)
    t.diagnostic(`held-out R@1: PCA ${pca.toFixed(3)}, learned ${learned.toFixed(3)}`)
    assert.ok(learned >= 0.9, `learned whitening R@1 ${learned}`)
    assert.ok(pca <= 0.7, `PCA whitening R@1 ${pca}: the nuisance axes should confuse it`)
    assert.ok(learned - pca >= 0.25, `learned ${learned} vs PCA ${pca}`)
  })

  test('keeps the stored format: same dims as PCA, and survives encode → decode', () => {
    const learned = fitLearnedWhitening(kept, keptLabels, 64)
    const pca = fitWhitening(kept, 64)
    assert.equal(learned.inputDim, SIGNAL + NUISANCE)
    assert.equal(learned.outputDim, pca.outputDim)
    const decoded = decodeWhitening(encodeWhitening(learned))
    assert.deepEqual(applyWhitening(decoded, queries[0]!), applyWhitening(learned, queries[0]!))
  })

  test('needs a label with two images, and as many labels as vectors', () => {
    assert.throws(() => fitLearnedWhitening(kept.slice(0, labels), keptLabels.slice(0, labels), 64), /no label has two images/)
    assert.throws(() => fitLearnedWhitening(kept, keptLabels.slice(1), 64), /vectors but .* labels/)
  })
})

describe('galleries fit learned whitening by default', { skip: needsFaiss }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ppserve-learned-whitening-'))
  after(() => rmSync(root, { recursive: true, force: true }))
  const data = gallery(40, 6, 5) // 240 images: enough for a gallery to fit whitening
  const items = data.labels.map((label, i) => ({ path: `${i}.jpg`, label }))
  const stored = async (name: string, whitening?: 'learned' | 'pca') => {
    const dir = path.join(root, name)
    await RecognitionGallery.create(dir, data.vectors, items, { model: 'test', metric: 'IP', method: 'Flat', whiten: true, whitening, segments: [SIGNAL + NUISANCE] })
    return decodeWhitening(new Uint8Array(readFileSync(path.join(dir, 'whitening.bin'))))
  }

  test('the stored whitening is the learned one unless the gallery asks for PCA', async () => {
    const learned = fitLearnedWhitening(data.vectors, data.labels, DEFAULT_WHITENING_DIMS)
    const pca = fitWhitening(data.vectors, DEFAULT_WHITENING_DIMS)
    assert.deepEqual((await stored('default')).segments[0]!.projection, learned.segments[0]!.projection)
    assert.deepEqual((await stored('pca', 'pca')).segments[0]!.projection, pca.segments[0]!.projection)
    assert.notDeepEqual(learned.segments[0]!.projection, pca.segments[0]!.projection)
  })
})
