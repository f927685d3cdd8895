/**
 * `ppserve models` as a user runs it (a child process): pull with PPSERVE_MIRROR, list, verify
 * (exit 1 on a mismatch), and Ctrl-C (SIGINT) in the middle of a slow download: non-zero exit,
 * no model file, no staging folder.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MODELS_USAGE, modelsCommand } from '../../src/cli/models.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { startFileServer, type FileServer } from './helpers/file-server.js'
import { LABELS, sha256, tinyArchive, writeTinyManifest } from './helpers/tiny-model.js'

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `ppserve models ...`; `whileRunning` may act on the child (send a signal) before it exits. */
function ppserve(args: string[], env: NodeJS.ProcessEnv = {}, whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const { PPSERVE_MIRROR: _ignored, ...base } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'models', ...args], { cwd: PROJECT_ROOT, env: { ...base, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  whileRunning?.(child)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

let server: FileServer
let root: string
let archive: Buffer
before(async () => {
  archive = await tinyArchive()
  server = await startFileServer()
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-cli-models-'))
})
after(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

describe('ppserve models (CLI)', () => {
  test('pull takes PPSERVE_MIRROR, list shows the package installed, verify exits 1 on a modified file', async () => {
    const modelsDir = path.join(root, 'models')
    const mirror = path.join(root, 'mirror')
    mkdirSync(mirror)
    writeFileSync(path.join(mirror, 'tiny_infer.tar.gz'), archive)
    writeFileSync(path.join(mirror, 'labels.txt'), LABELS)
    const dir = writeTinyManifest(modelsDir, { url: 'http://127.0.0.1:1/tiny_infer.tar.gz', sha256: sha256(archive), labelsUrl: 'http://127.0.0.1:1/labels.txt', labelsSha256: sha256(LABELS) })
    const pulled = await ppserve(['pull', 'tiny', '--models-dir', modelsDir], { PPSERVE_MIRROR: mirror })
    assert.equal(pulled.code, 0, pulled.stderr)
    assert.match(pulled.stderr, /tiny: installed /)

    let listed = ''
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => ((listed += chunk), true)) as typeof process.stdout.write
    try {
      await modelsCommand(['list', '--models-dir', modelsDir])
    } finally {
      process.stdout.write = write
    }
    assert.match(listed, /^NAME +STATE +SOURCE +DESCRIPTION\ntiny +installed +paddle +tiny test classifier\n$/)

    writeFileSync(path.join(dir, 'labels.txt'), 'changed\n')
    const verified = await ppserve(['verify', 'tiny', '--models-dir', modelsDir])
    assert.equal(verified.code, 1)
    assert.match(verified.stdout, /^tiny: FAILED\n {2}ok {4}model: sha256 [0-9a-f]{64} matches pulled\.json\n {2}FAIL {2}file labels: sha256 [0-9a-f]{64}, the manifest says /)
  })

  test('SIGINT during a download exits non-zero and leaves no model and no staging folder', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 7)
    server.routes.set('/slow.tar.gz', { kind: 'slow', body, chunk: 32 * 1024, intervalMs: 20 })
    const modelsDir = path.join(root, 'models-sigint')
    const dir = writeTinyManifest(modelsDir, { url: server.url('/slow.tar.gz'), sha256: sha256(body), labelsUrl: server.url('/labels.txt') })
    const run = await ppserve(['pull', 'tiny', '--models-dir', modelsDir], {}, (child) => {
      // Interrupt once the download is well under way (the server knows how far it got).
      const poll = setInterval(() => {
        if (server.sent('/slow.tar.gz') < 256 * 1024) return
        clearInterval(poll)
        child.kill('SIGINT')
      }, 10)
    })
    assert.notEqual(run.code, 0)
    assert.equal(run.code, 130)
    assert.match(run.stderr, /ppserve: pull of tiny cancelled by SIGINT; nothing was installed/)
    assert.ok(server.sent('/slow.tar.gz') < body.byteLength, 'the download was cut off, not finished')
    assert.deepEqual(readdirSync(dir), ['manifest.yml'])
  })

  test('usage and argument errors', async () => {
    assert.match(MODELS_USAGE, /--mirror DIR/)
    await assert.rejects(modelsCommand(['fetch']), /models wants list, pull, verify or export-triton, not "fetch"/)
    await assert.rejects(modelsCommand(['pull']), /models pull wants at least one model name/)
  })
})
