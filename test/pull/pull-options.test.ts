/**
 * `models pull` beyond the happy download: a mirror folder instead of the network, installed
 * packages skipped unless forced, an unpinned source (warned, value printed), an ONNX source, an
 * archive that tries to escape, stale staging folders, and serve's ensureModelsPulled.
 */
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { ensureModelsPulled, pullModel, PullError, readProvenance } from '../../src/runtime/pull/index.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { progressSink } from './helpers/progress-sink.js'
import { rawTar } from './helpers/raw-tar.js'
import { LABELS, sha256, tinyArchive, tinyOnnx, writeTinyManifest } from './helpers/tiny-model.js'

let server: FileServer
let archive: Buffer
let root: string
let mirror: string
let modelsDir: string
const quiet = { handleSignals: false } as const

before(async () => {
  archive = await tinyArchive()
  server = await startFileServer()
  server.routes.set('/tiny_infer.tar.gz', { kind: 'file', body: archive })
  server.routes.set('/labels.txt', { kind: 'file', body: Buffer.from(LABELS) })
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-pull-opts-'))
  // A mirror: the archive under its URL's file name, the labels under a mirror_path-less name.
  mirror = path.join(root, 'mirror')
  mkdirSync(mirror)
  writeFileSync(path.join(mirror, 'tiny_infer.tar.gz'), archive)
  writeFileSync(path.join(mirror, 'labels.txt'), LABELS)
})
after(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})
beforeEach(() => {
  modelsDir = mkdtempSync(path.join(root, 'models-'))
})

const offline = () => ({ url: 'http://127.0.0.1:1/tiny_infer.tar.gz', sha256: sha256(archive), labelsUrl: 'http://127.0.0.1:1/labels.txt', labelsSha256: sha256(LABELS) })

describe('models pull options', () => {
  test('--mirror takes the archive and files from a folder, without the network', async () => {
    const dir = writeTinyManifest(modelsDir, offline())
    await pullModel('tiny', { modelsDir, mirror, progress: progressSink(), ...quiet })
    const provenance = await readProvenance(dir)
    assert.equal(provenance?.source.mirror, path.join(mirror, 'tiny_infer.tar.gz'))
    assert.equal(provenance?.source.sha256_of, 'file')
    assert.equal(provenance?.files.labels?.from, path.join(mirror, 'labels.txt'))
    assert.deepEqual(readdirSync(dir).sort(), ['labels.txt', 'manifest.yml', 'model.onnx', 'pulled.json'])
  })

  test('a file missing from the mirror is an error naming the paths tried', async () => {
    writeTinyManifest(modelsDir, { ...offline(), url: 'http://127.0.0.1:1/other.tar.gz' })
    await assert.rejects(
      pullModel('tiny', { modelsDir, mirror, progress: progressSink(), ...quiet }),
      new RegExp(`model tiny source: not in the mirror ${mirror} \\(tried ${path.join(mirror, 'other.tar.gz')}\\)`),
    )
  })

  test('an installed package is skipped; --force pulls it again', async () => {
    const dir = writeTinyManifest(modelsDir, { ...offline(), url: server.url('/tiny_infer.tar.gz'), labelsUrl: server.url('/labels.txt') })
    await pullModel('tiny', { modelsDir, progress: progressSink(), ...quiet })
    const first = statSync(path.join(dir, 'model.onnx')).mtimeMs
    const progress = progressSink()
    assert.equal((await pullModel('tiny', { modelsDir, progress, ...quiet })).status, 'skipped')
    assert.match(progress.text, /tiny: already installed .*; --force pulls it again/)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal((await pullModel('tiny', { modelsDir, force: true, progress: progressSink(), ...quiet })).status, 'pulled')
    assert.ok(statSync(path.join(dir, 'model.onnx')).mtimeMs > first)
  })

  test('an unpinned source is pulled with a warning that prints its sha256', async () => {
    const dir = writeTinyManifest(modelsDir, { ...offline(), sha256: undefined })
    const progress = progressSink()
    await pullModel('tiny', { modelsDir, mirror, progress, ...quiet })
    assert.match(progress.text, new RegExp(`warning: the source of tiny .* has no sha256 pinned; computed ${sha256(archive)}\\. Pin it \\(source\\.sha256 in .*manifest\\.yml\\)`))
    assert.equal((await readProvenance(dir))?.source.pinned, false)
  })

  test('an ONNX source that is a single .onnx file is installed as it is', async () => {
    const onnx = tinyOnnx()
    writeFileSync(path.join(mirror, 'tiny.onnx'), onnx)
    const dir = path.join(modelsDir, 'tiny_onnx')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'manifest.yml'), stringify({
      name: 'tiny_onnx',
      source: { format: 'onnx', mirror_path: 'tiny.onnx', sha256: sha256(onnx) },
      feeds: [{ name: 'x', alias: 'features', shape: [-1, 4] }],
      fetches: [{ name: 'p', alias: 'probs', shape: [-1, 3] }],
    }))
    await pullModel('tiny_onnx', { modelsDir, mirror, progress: progressSink(), ...quiet })
    assert.deepEqual(readFileSync(path.join(dir, 'model.onnx')), Buffer.from(onnx))
    assert.equal((await readProvenance(dir))?.converter, undefined)
  })

  test('an archive with an entry escaping the staging folder is refused; nothing is left', async () => {
    const evil = rawTar([{ name: 'tiny_infer/', type: '5' }, { name: 'tiny_infer/../../../../evil.txt', body: 'x' }])
    writeFileSync(path.join(mirror, 'evil.tar'), evil)
    const dir = writeTinyManifest(modelsDir, { ...offline(), url: 'http://127.0.0.1:1/evil.tar', sha256: sha256(evil) })
    await assert.rejects(pullModel('tiny', { modelsDir, mirror, progress: progressSink(), ...quiet }), /refusing evil\.tar: entry tiny_infer\/\.\.\/\.\.\/\.\.\/\.\.\/evil\.txt leaves the extraction folder/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
    assert.deepEqual(readdirSync(modelsDir), ['tiny'])
  })

  test('a staging folder left by a dead process is removed by the next pull', async () => {
    const dir = writeTinyManifest(modelsDir, offline())
    mkdirSync(path.join(dir, '.pull-999999999-abcdef'))
    await pullModel('tiny', { modelsDir, mirror, progress: progressSink(), ...quiet })
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('.pull-')), [])
  })

  test('a package without a source cannot be pulled', async () => {
    const dir = path.join(modelsDir, 'local')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'manifest.yml'), stringify({ name: 'local', feeds: [{ name: 'x', alias: 'x', shape: [1] }], fetches: [{ name: 'y', alias: 'y', shape: [1] }] }))
    await assert.rejects(pullModel('local', { modelsDir, progress: progressSink(), ...quiet }), (error: unknown) => error instanceof PullError && /model local has no source/.test(error.message))
  })
})

describe('ensureModelsPulled (serve start-up)', () => {
  test('pulls only what is missing and reports every model, never throwing', async () => {
    writeTinyManifest(modelsDir, { ...offline(), name: 'present' })
    writeFileSync(path.join(modelsDir, 'present', 'model.onnx'), tinyOnnx())
    writeTinyManifest(modelsDir, { ...offline(), name: 'missing' })
    writeTinyManifest(modelsDir, { ...offline(), name: 'broken', sha256: '00'.repeat(32) })
    const local = path.join(modelsDir, 'local')
    mkdirSync(local)
    writeFileSync(path.join(local, 'manifest.yml'), stringify({ name: 'local', feeds: [{ name: 'x', alias: 'x', shape: [1] }], fetches: [{ name: 'y', alias: 'y', shape: [1] }] }))
    const progress = progressSink()
    const results = await ensureModelsPulled(modelsDir, ['present', 'missing', 'broken', 'local', 'absent'], { mirror, progress })
    assert.deepEqual(results.map((r) => [r.name, r.status]), [['present', 'present'], ['missing', 'pulled'], ['broken', 'failed'], ['local', 'no-source'], ['absent', 'failed']])
    assert.match(results[2]!.error!.message, /sha256 mismatch/)
    assert.match(results[4]!.error!.message, /cannot read model manifest/)
    assert.match(progress.text, /missing: installed /)
  })

  test('without a mirror it reads PPSERVE_MIRROR', async () => {
    writeTinyManifest(modelsDir, offline())
    const saved = process.env.PPSERVE_MIRROR
    process.env.PPSERVE_MIRROR = mirror
    try {
      assert.deepEqual((await ensureModelsPulled(modelsDir, ['tiny'], { progress: progressSink() })).map((r) => r.status), ['pulled'])
    } finally {
      if (saved === undefined) delete process.env.PPSERVE_MIRROR
      else process.env.PPSERVE_MIRROR = saved
    }
  })
})
