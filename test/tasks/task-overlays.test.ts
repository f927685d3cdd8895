/** What each task draws of its result (the shapes, labels and captions the renderer gets). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { classificationOverlay } from '../../src/tasks/classification/classify-overlay.js'
import { ocrOverlay } from '../../src/tasks/ocr/ocr-overlay.js'
import { recognitionOverlay } from '../../src/tasks/recognition/rec-overlay.js'

describe('task overlays', () => {
  it('OCR: each line outlined with its text and score, side by side; det=false lines as a caption; rec=false outlines only', () => {
    const region: Array<[number, number]> = [[1, 2], [30, 2], [30, 12], [1, 12]]
    assert.deepEqual(ocrOverlay([{ text: '纯臻', confidence: 0.99812, text_region: region }]), {
      shapes: [{ points: region, label: '纯臻 0.998' }],
      caption: [],
      layout: 'side-by-side',
    })
    assert.deepEqual(ocrOverlay([{ text: '韩国小馆', confidence: 0.9 }]).caption, ['韩国小馆 0.900'])
    assert.deepEqual(ocrOverlay([{ text_region: region }]).shapes, [{ points: region, label: undefined }])
  })

  it('classification: the top-k as caption lines, best first; recognition: each box with its label', () => {
    assert.deepEqual(classificationOverlay({ classIds: [178, 211], scores: [0.99972, 0.00014], labelNames: ['Weimaraner', 'vizsla'] }), {
      shapes: [],
      caption: ['Weimaraner 1.000', 'vizsla 0.000'],
    })
    assert.deepEqual(recognitionOverlay([{ bbox: [234, 2, 375, 436], rec_docs: '康师傅矿物质水', rec_scores: 0.37708 }]), {
      shapes: [{ points: [[234, 2], [375, 2], [375, 436], [234, 436]], label: '康师傅矿物质水 0.377' }],
    })
  })
})
