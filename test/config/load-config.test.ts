import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig, parseConfig, redactSecrets } from '../../src/config/load-config.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-config-'))
  const file = path.join(dir, 'serving.yml')
  await writeFile(file, text)
  return file
}

describe('serving config', () => {
  it('fills every key with the reference defaults', () => {
    const config = parseConfig({}, 'empty')
    assert.equal(config.server.port, 8866)
    assert.equal(config.limits.max_body_bytes, 20 * 1024 * 1024)
    assert.equal(config.limits.default_deadline_ms, 30_000)
    // The det settings are the det package's (its manifest); the config only overrides them.
    assert.deepEqual(config.services.ocr.det, {
      limit_side_len: null,
      limit_type: null,
      thresh: null,
      box_thresh: null,
      unclip_ratio: null,
      max_candidates: null,
    })
    assert.deepEqual(config.models.ops, {})
    assert.equal(config.services.ocr.rec.drop_score, 0.5)
    assert.equal(config.services.ocr.ops.rec.batch_size, 1)
    assert.equal(config.services.ocr.ops.rec.concurrency, null, 'one instance per core')
    assert.equal(config.runtime.cpus, null)
    assert.equal(config.runtime.intra_op_threads, null)
  })

  it('the shipped config/serving.yml documents exactly the defaults, plus the mirror and its gallery', async () => {
    const { config } = await loadConfig(path.join(PROJECT_ROOT, 'config/serving.yml'), {})
    // Except the offline mirror, the gallery built from it, and the threshold calibration and the
    // detection threshold chosen for this deployment's stand-in models: this deployment's choices.
    assert.equal(config.models.mirror, '../shared/assets')
    const deployment = {
      models: { mirror: '../shared/assets' },
      services: { recognize: { build_missing: config.services.recognize.build_missing, score_calibration: { target_far: 0.05, fallback: 0.35 }, det_threshold: 0.1 } },
    }
    assert.match(config.services.recognize.build_missing!.data_file, /drink_label_all\.txt$/)
    assert.deepEqual(config, parseConfig(deployment, 'empty'))
  })

  it('keeps an op’s other defaults when one of its keys is set', () => {
    const config = parseConfig({ services: { ocr: { ops: { det: { concurrency: 2 } } } } }, 'x')
    assert.deepEqual(config.services.ocr.ops.det, { batch_size: 1, batch_timeout_ms: 0, concurrency: 2, queue_size: 32 })
  })

  it('names the file and the path of an unknown key', async () => {
    const file = await configFile('services:\n  ocr:\n    ops:\n      det:\n        batchsize: 4\n')
    await assert.rejects(loadConfig(file, {}), (error: Error) => {
      assert.match(error.message, new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      assert.match(error.message, /services\.ocr\.ops\.det\.batchsize: unknown key/)
      return true
    })
  })

  it('names the path of a mistyped value', () => {
    assert.throws(() => parseConfig({ limits: { max_body_bytes: '20MB' } }, 'x.yml'), /limits\.max_body_bytes: .*number/)
  })

  it('rejects YAML that does not parse, naming the file', async () => {
    const file = await configFile('server: [port: 1\n')
    await assert.rejects(loadConfig(file, {}), /not valid YAML/)
  })

  it('PORT overrides server.port; a bad PORT is an error', async () => {
    const file = await configFile('server:\n  port: 9000\n')
    assert.equal((await loadConfig(file, { PORT: '9100' })).config.server.port, 9100)
    assert.equal((await loadConfig(file, {})).config.server.port, 9000)
    await assert.rejects(loadConfig(file, { PORT: 'eighty' }), /PORT="eighty"/)
  })

  it('applies PPSERVE_MIRROR and a task’s own variable (PPSERVE_GALLERY_TOKEN) before validating them', async () => {
    const file = await configFile('models:\n  mirror: /from/file\n')
    const token = 'a-token-of-enough-length'
    const { config } = await loadConfig(file, { PPSERVE_MIRROR: '/from/env', PPSERVE_GALLERY_TOKEN: token })
    assert.equal(config.models.mirror, '/from/env')
    assert.equal(config.services.recognize.gallery.token, token)
    assert.equal((await loadConfig(file, {})).config.models.mirror, '/from/file')
    // Checked like the key it replaces.
    await assert.rejects(loadConfig(file, { PPSERVE_GALLERY_TOKEN: 'short' }), /services\.recognize\.gallery\.token: a gallery token must have at least 16 characters/)
  })

  it('redacts secrets in the effective config it prints and logs', () => {
    const config = parseConfig({ services: { recognize: { gallery: { token: 'a-token-of-enough-length' } } } }, 'x')
    const shown = redactSecrets(config) as typeof config
    assert.equal(shown.services.recognize.gallery.token, '<redacted>')
    assert.equal(shown.server.port, 8866)
    assert.equal((redactSecrets(parseConfig({}, 'x')) as typeof config).services.recognize.gallery.token, null)
  })

  it('freezes the loaded config', async () => {
    const { config } = await loadConfig(await configFile('{}'), {})
    assert.throws(() => {
      ;(config.server as { port: number }).port = 1
    }, TypeError)
  })
})
