/**
 * The real CLI process: `serve` on a free port, a request in flight when SIGTERM arrives still
 * gets its answer, the process exits 0, and the port is free again.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

it('SIGTERM lets the in-flight request finish, exits 0 and releases the port', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), 'serve', '--port', '0'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PPSERVE_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited early (${code}):\n${stderr}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const port = Number(new URL(url).port)

  // Eight large images keep the pipeline busy for about a second; SIGTERM arrives once the
  // request is being processed (a connection still sending its headers counts as idle).
  const image = Buffer.from(await smallJpeg(1600, 1200)).toString('base64')
  const started = performance.now()
  const inFlight = fetch(`${url}/ocr`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ images: Array(8).fill(image), deadline_ms: 30000 }),
  })
  await new Promise((resolve) => setTimeout(resolve, 300))
  child.kill('SIGTERM')

  const response = await inFlight
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(((await response.json()) as { results: unknown[] }).results.length, 8)
  assert.ok(performance.now() - started > 300, 'the request was still running when SIGTERM was sent')
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /SIGTERM: shutting down gracefully/)
  assert.equal(await portIsFree(port), true)
})
