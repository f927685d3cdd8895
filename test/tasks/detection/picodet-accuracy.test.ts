/**
 * Real PicoDet-XS COCO weights through the path a user takes: `models pull --mirror` of the
 * picodet_xs_{416,320}_coco packages, the detection op behind the engine, on the COCO demo
 * photos (people, kites, a cyclist) and PP-ShiTu drink photos. Expected boxes were checked by
 * eye on renders of the detections (kept out of the repository).
 */
import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Engine } from '../../../src/engine/index.js'
import type { OpHandle } from '../../../src/engine/op.js'
import { Model } from '../../../src/runtime/model.js'
import { loadModelPackage } from '../../../src/runtime/model-package.js'
import { createOrtSession } from '../../../src/runtime/ort-session.js'
import { pullModel } from '../../../src/runtime/pull/index.js'
import { DEFAULT_SESSION_OPTIONS } from '../../../src/runtime/session.js'
import { createDetectOp, type DetectInput } from '../../../src/tasks/detection/detect-op.js'
import { loadDetectorSpec, type DetectorSpec } from '../../../src/tasks/detection/detector-spec.js'
import { MainbodyDetector } from '../../../src/tasks/detection/mainbody.js'
import type { Detection } from '../../../src/tasks/detection/picodet-postprocess.js'
import { decodeImage } from '../../../src/vision/decode.js'
import type { Image } from '../../../src/vision/image.js'
import { asset, needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from '../../helpers/shared-assets.js'

const silent = { write: () => true, isTTY: false }
const OP_SETTINGS = { batchSize: 4, batchTimeoutMs: 5, concurrency: 1, queueSize: 32 }

const load = async (...parts: string[]): Promise<Image> => decodeImage(await readFile(asset(...parts)), { maxPixels: 50e6, minSide: 8 })
const area = (d: Detection) => (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])
const show = (ds: readonly Detection[], n = 5) => ds.slice(0, n).map((d) => `${d.label} ${d.score.toFixed(3)} [${d.box.map((v) => v.toFixed(0)).join(', ')}]`).join('; ')

interface Detectors {
  readonly perClass: OpHandle<DetectInput, Detection[]>
  readonly agnostic: OpHandle<DetectInput, Detection[]>
  readonly spec: DetectorSpec
}

describe('PicoDet-XS COCO pulled from the mirror', { skip: needsSharedAssets }, () => {
  let dir: string
  const engine = new Engine()
  const models: Model[] = []
  const detectors = new Map<string, Detectors>()

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-picodet-'))
    for (const name of ['picodet_xs_416_coco', 'picodet_xs_320_coco']) {
      await mkdir(path.join(dir, name))
      await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(dir, name, 'manifest.yml'))
      await pullModel(name, { modelsDir: dir, mirror: SHARED_ASSETS, progress: silent, handleSignals: false })
      const pkg = await loadModelPackage(path.join(dir, name))
      const model = Model.attach(pkg, await createOrtSession(pkg.modelPath, DEFAULT_SESSION_OPTIONS))
      models.push(model)
      const spec = await loadDetectorSpec(pkg)
      const agnosticSpec = { ...spec, params: { ...spec.params, classAgnostic: true } }
      detectors.set(name, {
        spec,
        perClass: engine.register(createDetectOp(`detect:${name}`, model, spec), OP_SETTINGS),
        agnostic: engine.register(createDetectOp(`detect-agnostic:${name}`, model, agnosticSpec), OP_SETTINGS),
      })
    }
  })
  after(async () => {
    await engine.stop()
    await Promise.all(models.map((m) => m.close()))
    await rm(dir, { recursive: true, force: true })
  })

  const detect = (name: string, mode: 'perClass' | 'agnostic', image: Image) =>
    engine.serve('detect', engine.createContext({ deadlineMs: 30_000 }), (ctx) => detectors.get(name)![mode].run({ image }, ctx))

  it('the pulled package has its 80 COCO labels and the 416×416 fixed-batch input', () => {
    const { spec } = detectors.get('picodet_xs_416_coco')!
    assert.equal(spec.labels.length, 80)
    assert.deepEqual([spec.labels[0], spec.labels[39]], ['person', 'bottle'])
    assert.deepEqual(spec.input, { width: 416, height: 416 })
    assert.equal(spec.maxBatch, 1)
  })

  for (const photo of ['000000014439.jpg', '000000087038.jpg', '000000570688.jpg']) {
    it(`class-agnostic boxes on ${photo} are plausible: confident, inside the image, not tiny or whole-image`, async () => {
      const image = await load('images/coco', photo)
      const boxes = await detect('picodet_xs_416_coco', 'agnostic', image)
      const confident = boxes.filter((d) => d.score > 0.5)
      assert.ok(confident.length >= 2, show(boxes))
      // Far-off kites and people are small (a 19×21 kite is 0.13% of the beach photo), never a speck.
      for (const d of confident) {
        const share = area(d) / (image.width * image.height)
        assert.ok(share > 0.0005 && share < 0.5, `${show([d])} covers ${(share * 100).toFixed(2)}% of the photo`)
      }
      assert.ok(area(confident[0]!) / (image.width * image.height) > 0.005, `the best box is a real object: ${show(confident)}`)
      assert.ok(boxes.length <= 100)
      for (const [i, d] of boxes.entries()) {
        assert.ok(d.box[0] >= 0 && d.box[1] >= 0 && d.box[2] <= image.width && d.box[3] <= image.height && d.box[0] <= d.box[2] && d.box[1] <= d.box[3])
        if (i > 0) assert.ok(boxes[i - 1]!.score >= d.score, 'best first')
      }
    })
  }

  it('per class: people first in the kite-field and skate-park photos, a bicycle under the cyclist', async () => {
    const kites = await detect('picodet_xs_416_coco', 'perClass', await load('images/coco', '000000014439.jpg'))
    assert.equal(kites[0]!.label, 'person', show(kites))
    assert.ok(kites.filter((d) => d.label === 'person' && d.score > 0.5).length >= 5, show(kites, 10))
    assert.ok(kites.some((d) => d.label === 'kite' && d.score > 0.5), show(kites, 10))

    const park = await detect('picodet_xs_416_coco', 'perClass', await load('images/coco', '000000087038.jpg'))
    assert.equal(park[0]!.label, 'person', show(park))
    const bicycle = park.find((d) => d.label === 'bicycle' && d.score > 0.5)
    assert.ok(bicycle, show(park, 10))
    // The cyclist (about [256, 222, 306, 322]) rides the bicycle (about [253, 264, 312, 333]).
    assert.ok(bicycle.box[0] > 230 && bicycle.box[2] < 330 && bicycle.box[1] > 240 && bicycle.box[3] < 350, show([bicycle]))

    const beach = await detect('picodet_xs_416_coco', 'perClass', await load('images/coco', '000000570688.jpg'))
    assert.deepEqual(new Set(beach.slice(0, 4).map((d) => d.label)), new Set(['person', 'kite']), show(beach))
  })

  it('a drink photo: the water bottle is the best box, covering the bottle from cap to base', async () => {
    const image = await load('drink_dataset_v1.0/test_images', '002.jpeg') // 514×436, bottle in the middle
    for (const mode of ['perClass', 'agnostic'] as const) {
      const [best] = await detect('picodet_xs_416_coco', mode, image)
      assert.equal(best!.label, 'bottle', show([best!]))
      assert.ok(best!.score > 0.8, show([best!]))
      const [x1, y1, x2, y2] = best!.box // seen: about [234, 2, 375, 436]
      assert.ok(x1 > 200 && x1 < 260 && x2 > 350 && x2 < 400, show([best!]))
      assert.ok(y1 < 30 && y2 > 400, show([best!]))
    }
    const standing = await load('drink_dataset_v1.0/test_images', '110.jpeg') // 768×1024, a bottle on a table
    const [bottle] = await detect('picodet_xs_416_coco', 'agnostic', standing)
    assert.equal(bottle!.label, 'bottle', show([bottle!])) // seen: about [297, 282, 506, 863]
    const [x1, y1, x2, y2] = bottle!.box
    assert.ok(x1 > 250 && x1 < 340 && x2 > 460 && x2 < 550 && y1 > 230 && y1 < 330 && y2 > 810 && y2 < 910, show([bottle!]))
  })

  it('picodet_xs_320_coco finds the same bottle', async () => {
    const [best] = await detect('picodet_xs_320_coco', 'agnostic', await load('drink_dataset_v1.0/test_images', '002.jpeg'))
    assert.equal(best!.label, 'bottle', show([best!]))
    assert.ok(best!.score > 0.5 && best!.box[0] > 200 && best!.box[2] < 400 && best!.box[3] - best!.box[1] > 350, show([best!]))
  })

  it('as a PP-ShiTu mainbody detector: the bottle, then the whole image', async () => {
    const image = await load('drink_dataset_v1.0/test_images', '002.jpeg')
    const mainbody = new MainbodyDetector(detectors.get('picodet_xs_416_coco')!.agnostic)
    const ctx = engine.createContext({ deadlineMs: 30_000 })
    const boxes = await engine.serve('mainbody', ctx, (c) => mainbody.detect(image, c))
    assert.ok(boxes.length >= 2 && boxes.length <= 6, show(boxes, 6))
    assert.equal(boxes[0]!.label, 'bottle')
    assert.deepEqual(boxes.at(-1), { classId: 0, label: 'foreground', score: 1, box: [0, 0, 514, 436] })
    assert.ok(boxes.slice(0, -1).every((d) => d.score >= 0.2))
  })

  it('concurrent requests of different photos each get their own boxes', async () => {
    const photos = ['000000014439.jpg', '000000087038.jpg', '000000570688.jpg']
    const images = await Promise.all(photos.map((p) => load('images/coco', p)))
    const together = await Promise.all(images.map((image) => detect('picodet_xs_416_coco', 'agnostic', image)))
    for (const [i, image] of images.entries()) assert.deepEqual(together[i], await detect('picodet_xs_416_coco', 'agnostic', image))
  })
})
