/** Request options over the configured defaults: `score_thres: auto` in a request wins over a fixed number in the config. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseOptions } from '../../../src/tasks/option-schema.js'
import type { RecognizeConfig } from '../../../src/tasks/recognition/recognize-config.js'
import { applyRecognizeDefaults, RecognizeOptionsSchema } from '../../../src/tasks/recognition/recognize-options.js'

const config = { default_index: 'drink', score_thres: 0.5, rec_nms_thresold: 0.05, max_det_results: 5, det_threshold: 0.2 } as RecognizeConfig

describe('recognize options', () => {
  it('a request score_thres (a number, its string form, or auto) wins over the config; unset takes the config', () => {
    const scoreThres = (raw: Record<string, unknown>) => applyRecognizeDefaults(parseOptions(RecognizeOptionsSchema, raw), config).scoreThres
    assert.equal(scoreThres({ score_thres: 'auto' }), 'auto')
    assert.equal(scoreThres({ score_thres: '0.3' }), 0.3)
    assert.equal(scoreThres({}), 0.5)
    assert.throws(() => scoreThres({ score_thres: 'AUTO' }), /score_thres: must be a number from 0 to 1, or "auto" \(got "AUTO"\)/)
    assert.throws(() => scoreThres({ score_thres: 1.5 }), /score_thres: Too big/)
  })
})
