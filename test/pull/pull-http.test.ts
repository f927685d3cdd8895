/**
 * `models pull` over real HTTP: a local server serves a real .tar.gz (a Paddle model built here)
 * and a label file; the pull converts, verifies and installs it. Then the ways a download fails:
 * a wrong sha256, a body cut short, an unreachable host, an HTTP error, a host that never answers.
 * After each failure the package folder is as it was and no staging folder is left.
 */
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { ChecksumError, DownloadError, pullModel, readProvenance, verifyModel } from '../../src/runtime/pull/index.js'
import { assertClose } from '../convert/helpers/op-graph.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { progressSink } from './helpers/progress-sink.js'
import { expectedProbs, LABELS, sha256, tinyArchive, W, writeTinyManifest } from './helpers/tiny-model.js'

let server: FileServer
let archive: Buffer
let root: string
let modelsDir: string
const pinned = () => ({ url: server.url('/tiny_infer.tar.gz'), sha256: sha256(archive), labelsUrl: server.url('/labels.txt'), labelsSha256: sha256(LABELS) })

before(async () => {
  archive = await tinyArchive()
  server = await startFileServer()
  server.routes.set('/tiny_infer.tar.gz', { kind: 'file', body: archive })
  server.routes.set('/labels.txt', { kind: 'file', body: Buffer.from(LABELS) })
  server.routes.set('/half.tar.gz', { kind: 'half', body: archive })
  server.routes.set('/silent.tar.gz', { kind: 'silent' })
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-pull-'))
})
after(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})
beforeEach(() => {
  modelsDir = mkdtempSync(path.join(root, 'models-'))
})

describe('models pull from a local HTTP server', () => {
  test('downloads with progress, checks sha256, converts, installs with provenance, and verify passes', async () => {
    const dir = writeTinyManifest(modelsDir, pinned())
    const progress = progressSink()
    const result = await pullModel('tiny', { modelsDir, progress, handleSignals: false })
    assert.equal(result.status, 'pulled')
    assert.match(progress.text, /tiny: \d+(\.\d)? (B|KiB) \/ \d+(\.\d)? (B|KiB) 100% .*\/s\n/, progress.text)
    assert.deepEqual(readdirSync(dir).sort(), ['labels.txt', 'manifest.yml', 'model.onnx', 'pulled.json'])
    assert.equal(readFileSync(path.join(dir, 'labels.txt'), 'utf8'), LABELS)

    const provenance = await readProvenance(dir)
    assert.equal(provenance?.source.url, server.url('/tiny_infer.tar.gz'))
    assert.equal(provenance?.source.sha256, sha256(archive))
    assert.equal(provenance?.source.pinned, true)
    assert.equal(provenance?.model.sha256, sha256(readFileSync(path.join(dir, 'model.onnx'))))
    assert.deepEqual(provenance?.files.labels, { path: 'labels.txt', sha256: sha256(LABELS), from: server.url('/labels.txt') })
    assert.equal(provenance?.converter?.tool, 'ppserve convert')

    const session = await ort.InferenceSession.create(result.modelPath)
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 4]) })
    assertClose(Array.from(out.p!.data as Float32Array), expectedProbs([1, 2, 3, 4]))
    await session.release()

    const report = await verifyModel('tiny', { modelsDir })
    assert.equal(report.ok, true, JSON.stringify(report.checks))
    assert.deepEqual(report.checks.map((c) => c.what), ['model', 'file labels', 'onnxruntime'])
  })

  test('verify reports a modified model file and a modified label file', async () => {
    const dir = writeTinyManifest(modelsDir, pinned())
    await pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false })
    // Change one weight: the model still loads, only its sha256 tells.
    const model = readFileSync(path.join(dir, 'model.onnx'))
    const weights = model.indexOf(Buffer.from(Float32Array.from(W).buffer))
    assert.ok(weights > 0)
    model[weights]! ^= 0x01
    writeFileSync(path.join(dir, 'model.onnx'), model)
    writeFileSync(path.join(dir, 'labels.txt'), 'zero\none\n')
    const report = await verifyModel('tiny', { modelsDir })
    assert.equal(report.ok, false)
    const failed = report.checks.filter((c) => !c.ok)
    assert.deepEqual(failed.map((c) => c.what), ['model', 'file labels'])
    assert.match(failed[0]!.detail, /pulled\.json says [0-9a-f]{64}/)
    assert.match(failed[1]!.detail, new RegExp(`the manifest says ${sha256(LABELS)}`))
  })

  test('a sha256 mismatch is refused naming expected and actual; the package folder is unchanged', async () => {
    const wrong = 'ab'.repeat(32)
    const dir = writeTinyManifest(modelsDir, { ...pinned(), sha256: wrong })
    const error = await pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }).then(() => undefined, (e: unknown) => e)
    assert.ok(error instanceof ChecksumError, String(error))
    assert.match(error.message, new RegExp(`expected ${wrong}, got ${sha256(archive)}`))
    assert.match(error.message, /tiny_infer\.tar\.gz/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'], 'no model, no pulled files, no staging folder')
  })

  test('a body cut short (socket destroyed mid-download) fails and leaves nothing', async () => {
    const dir = writeTinyManifest(modelsDir, { ...pinned(), url: server.url('/half.tar.gz') })
    const error = await pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }).then(() => undefined, (e: unknown) => e)
    assert.ok(error instanceof DownloadError, String(error))
    assert.match(error.message, /half\.tar\.gz: (connection lost after .* of |the body ended after)/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('an unreachable host fails in under 2 s, naming the URL and suggesting --mirror', async () => {
    const dir = writeTinyManifest(modelsDir, { ...pinned(), url: 'http://127.0.0.1:1/x.tar' })
    const start = Date.now()
    const error = await pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }).then(() => undefined, (e: unknown) => e)
    assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`)
    assert.ok(error instanceof DownloadError, String(error))
    assert.match(error.message, /^cannot download http:\/\/127\.0\.0\.1:1\/x\.tar: .*ECONNREFUSED.*use --mirror DIR or PPSERVE_MIRROR/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('an HTTP error names its status; a host that never answers hits the connect timeout', async () => {
    writeTinyManifest(modelsDir, { ...pinned(), url: server.url('/missing.tar.gz') })
    await assert.rejects(pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }), /cannot download http:\/\/127\.0\.0\.1:\d+\/missing\.tar\.gz: HTTP 404 Not Found$/)
    const dir = writeTinyManifest(modelsDir, { ...pinned(), url: server.url('/silent.tar.gz') })
    const start = Date.now()
    await assert.rejects(
      pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false, connectTimeoutMs: 300 }),
      /silent\.tar\.gz: no response within 0\.3 s; this machine may be offline/,
    )
    assert.ok(Date.now() - start < 1500)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('a label file with a wrong sha256 fails after the model was staged, and nothing is installed', async () => {
    const dir = writeTinyManifest(modelsDir, { ...pinned(), labelsSha256: '00'.repeat(32) })
    await assert.rejects(pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }), /sha256 mismatch for file labels \(labels\.txt\) of tiny/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('feeds or fetches the converted model lacks are named, with what it has', async () => {
    const dir = writeTinyManifest(modelsDir, { ...pinned(), fetchName: 'logits' })
    await assert.rejects(
      pullModel('tiny', { modelsDir, progress: progressSink(), handleSignals: false }),
      /the converted model has no output "logits" \(fetch probs\); its inputs are x and its outputs p/,
    )
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })
})
