/**
 * Known answers from ../shared/assets/README.md with the real PP-OCRv4 models: single words in
 * rec-only mode, and the full det → cls → rec pipeline on a product label photo.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import type { Services } from '../../../src/server/services.js'
import { executeTask } from '../../../src/server/task-request.js'
import type { OcrLine } from '../../../src/tasks/ocr/ocr-service.js'
import { asset, needsSharedAssets } from '../../helpers/shared-assets.js'
import { testServices } from '../../helpers/services.js'

describe('OCR accuracy (PP-OCRv4)', { skip: needsSharedAssets }, () => {
  let services: Services

  before(async () => {
    services = await testServices()
  })
  after(() => services?.stop())

  async function ocr(bytes: Uint8Array, options: Record<string, unknown> = {}): Promise<OcrLine[]> {
    const { results } = await executeTask(services, services.task('ocr')!, { images: [bytes], options })
    return results[0] as OcrLine[]
  }
  const file = async (...parts: string[]) => new Uint8Array(await readFile(asset('images', 'ocr', ...parts)))

  const CHINESE_WORDS: Array<[string, string]> = [
    ['word_1.jpg', '韩国小馆'],
    ['word_2.jpg', '汉阳鹦鹉家居建材市场E区25-26号'],
    ['word_3.jpg', '电话：15952301928'],
    ['word_4.jpg', '实力活力'],
    ['word_5.jpg', '西湾监管'],
  ]
  for (const [name, expected] of CHINESE_WORDS) {
    it(`reads imgs_words/ch/${name} exactly in rec-only mode`, async () => {
      const lines = await ocr(await file('imgs_words', 'ch', name), { det: false })
      assert.equal(lines.length, 1)
      assert.equal(lines[0]!.text, expected)
      assert.ok(lines[0]!.confidence! > 0.9, `confidence ${lines[0]!.confidence}`)
      assert.equal(lines[0]!.text_region, undefined)
    })
  }

  for (const [name, expected] of [['word_10.png', 'pain'], ['word_336.png', 'super']] as const) {
    it(`reads imgs_words_en/${name} as "${expected}" (case-insensitive)`, async () => {
      const [line] = await ocr(await file('imgs_words_en', name), { det: false })
      assert.equal(line!.text!.toLowerCase(), expected)
    })
  }

  it('turns an upside-down word upright with the direction classifier', async () => {
    const upsideDown = new Uint8Array(await sharp(await file('imgs_words', 'ch', 'word_2.jpg')).rotate(180).png().toBuffer())
    const [withCls] = await ocr(upsideDown, { det: false, cls: true })
    assert.equal(withCls!.text, '汉阳鹦鹉家居建材市场E区25-26号')
    const [withoutCls] = await ocr(upsideDown, { det: false, cls: false })
    assert.notEqual(withoutCls!.text, '汉阳鹦鹉家居建材市场E区25-26号')
  })

  it('finds ≥ 15 lines on imgs/11.jpg including the product name and its code', async () => {
    const lines = await ocr(await file('imgs', '11.jpg'))
    assert.ok(lines.length >= 15, `found ${lines.length} lines`)
    const text = lines.map((l) => l.text).join('\n')
    assert.match(text, /纯臻营养护发素/)
    assert.match(text, /YM-X-3011/)
    assert.equal(lines[0]!.text, '纯臻营养护发素', 'reading order starts with the title')
    for (const line of lines) {
      assert.ok(line.confidence! >= 0.5, 'drop_score 0.5 applied')
      assert.equal(line.text_region!.length, 4)
    }
  })

  it('det-only mode returns regions without text; rec-only returns text without regions', async () => {
    const regions = await ocr(await file('imgs', '11.jpg'), { rec: false })
    assert.ok(regions.length >= 15)
    assert.ok(regions.every((r) => r.text === undefined && r.text_region!.length === 4))
  })

  it('a higher drop_score keeps fewer lines', async () => {
    const image = await file('imgs', '11.jpg')
    const all = await ocr(image, { drop_score: 0 })
    const confident = await ocr(image, { drop_score: 0.99 })
    assert.ok(confident.length < all.length, `${confident.length} < ${all.length}`)
    assert.ok(confident.every((l) => l.confidence! >= 0.99))
  })
})
