/**
 * Cancelling a pull mid-download: through the caller's AbortSignal, and by SIGINT while serve's
 * start-up (ensureModelsPulled) pulls, where the signal must still end the process once the
 * staging folder is gone. Either way: no model file, no staging folder.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { PullCancelled, pullModel } from '../../src/runtime/pull/index.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { progressSink } from './helpers/progress-sink.js'
import { sha256, writeTinyManifest } from './helpers/tiny-model.js'

const BODY = Buffer.alloc(4 * 1024 * 1024, 3)
let server: FileServer
let root: string
before(async () => {
  server = await startFileServer()
  server.routes.set('/slow.tar.gz', { kind: 'slow', body: BODY, chunk: 32 * 1024, intervalMs: 20 })
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-cancel-'))
})
after(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

/** Resolves once the server has sent at least `bytes` of the slow body to a new request. */
function sentAtLeast(bytes: number): Promise<void> {
  server.forget('/slow.tar.gz')
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (server.sent('/slow.tar.gz') < bytes) return
      clearInterval(poll)
      resolve()
    }, 10)
  })
}

describe('cancelling a pull', () => {
  test("the caller's AbortSignal stops the download; PullCancelled, nothing left", async () => {
    const modelsDir = path.join(root, 'abort')
    const dir = writeTinyManifest(modelsDir, { url: server.url('/slow.tar.gz'), sha256: sha256(BODY), labelsUrl: server.url('/labels.txt') })
    const controller = new AbortController()
    const started = sentAtLeast(128 * 1024)
    const pulling = pullModel('tiny', { modelsDir, signal: controller.signal, progress: progressSink(), handleSignals: false })
    await started
    controller.abort()
    const error = await pulling.then(() => undefined, (e: unknown) => e)
    assert.ok(error instanceof PullCancelled, String(error))
    assert.equal(error.code, 'cancelled')
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('SIGINT during ensureModelsPulled cleans up, then ends the process by that signal', async () => {
    const modelsDir = path.join(root, 'ensure')
    const dir = writeTinyManifest(modelsDir, { url: server.url('/slow.tar.gz'), sha256: sha256(BODY), labelsUrl: server.url('/labels.txt') })
    const script = path.join(root, 'start-up.mts')
    const pull = pathToFileURL(path.join(PROJECT_ROOT, 'src/runtime/pull/index.ts')).href
    writeFileSync(script, [
      `import { ensureModelsPulled } from ${JSON.stringify(pull)}`,
      `const results = await ensureModelsPulled(${JSON.stringify(modelsDir)}, ['tiny'], { mirror: undefined })`,
      // Reached only if the re-sent signal did not end the process.
      `console.log('still running', JSON.stringify(results.map((r) => r.status)))`,
      `await new Promise((resolve) => setTimeout(resolve, 2000))`,
    ].join('\n'))
    const { PPSERVE_MIRROR: _ignored, ...env } = process.env
    const started = sentAtLeast(128 * 1024)
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: PROJECT_ROOT, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    await started
    child.kill('SIGINT')
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
    assert.equal(signal, 'SIGINT', `exit code ${code}, output: ${output}`)
    assert.doesNotMatch(output, /still running/)
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })
})
