/**
 * SIGTERM under load, on the real CLI process with the real OCR models (issue 10, item 4): ten
 * requests in flight (most of them still queued for det) all finish with 200, a new connection is
 * refused once shutdown has begun, the process exits 0 and the port is free. The single-request
 * case is ./graceful-shutdown.test.ts.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, it } from 'node:test'
import { smallJpeg } from '../helpers/bad-images.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

interface Answer {
  status: number
  body: string
  /** performance.now() when the response ended. */
  at: number
}

/**
 * One request on its own connection (no keep-alive pool, so nothing is reused across the signal).
 * `sent` resolves once the whole request has been handed to the kernel.
 */
function request(url: string, method: string, body?: Buffer): { sent: Promise<void>; answer: Promise<Answer> } {
  let markSent!: () => void
  const sent = new Promise<void>((resolve) => (markSent = resolve))
  const answer = new Promise<Answer>((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': body.length } : {}
    const req = http.request(url, { method, headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), at: performance.now() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`no answer from ${method} ${url} within 30 s`)))
    req.end(body, markSent)
  })
  return { sent, answer }
}

const cleanups: Array<() => Promise<void> | void> = []
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

it('SIGTERM under load: every in-flight request finishes 200, new connections are refused, exit 0, port free', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-shutdown-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const config = path.join(dir, 'serving.yml')
  // Only OCR, from the npm models beside the project: nothing to pull or convert.
  await writeFile(
    config,
    [
      'server: { host: 127.0.0.1, port: 0, shutdown_grace_ms: 30000 }',
      `models: { dir: ${JSON.stringify(path.join(PROJECT_ROOT, 'models'))}, auto_pull: false }`,
      'services: { classify: { enabled: false }, recognize: { enabled: false } }',
      '',
    ].join('\n'),
  )
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), 'serve', '--config', config], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PPSERVE_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  cleanups.push(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')))
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const logged = (pattern: RegExp, what: string) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr)
        if (!match) return
        child.stderr.off('data', check)
        resolve(match)
      }
      child.stderr.on('data', check)
      check()
      void exited.then(() => reject(new Error(`server exited before logging ${what}:\n${stderr}`)))
    })
  const url = (await logged(/listening on (http:\/\/[\d.]+:\d+)/, 'that it listens'))[1]!
  const port = Number(new URL(url).port)

  // Ten requests of two 1280×960 images each: det runs one image at a time, so they take a few
  // seconds in all and most of them wait in det's queue when the signal comes.
  const image = Buffer.from(await smallJpeg(1280, 960)).toString('base64')
  const body = Buffer.from(JSON.stringify({ images: [image, image], deadline_ms: 30000 }))
  const load = Array.from({ length: 10 }, () => request(`${url}/ocr`, 'POST', body))
  await Promise.all(load.map((r) => r.sent))
  // The server reads its sockets in order: once it has answered this, it has all ten requests.
  assert.equal((await request(`${url}/healthz`, 'GET').answer).status, 200)

  const signalledAt = performance.now()
  child.kill('SIGTERM')
  // Logged right after the listener is closed: from here on, shutdown has begun.
  const waiting = await logged(/waiting up to \d+ ms for (\d+) in-flight request\(s\)/, 'the in-flight requests')
  assert.equal(Number(waiting[1]), 10, 'all ten requests were in flight when SIGTERM arrived')

  // A new connection is refused (the listener is closed), rather than accepted and left hanging.
  await assert.rejects(request(`${url}/readyz`, 'GET').answer, { code: 'ECONNREFUSED' })
  await assert.rejects(request(`${url}/ocr`, 'POST', body).answer, { code: 'ECONNREFUSED' })

  const answers = await Promise.all(load.map((r) => r.answer))
  for (const answer of answers) {
    assert.equal(answer.status, 200, answer.body)
    assert.equal((JSON.parse(answer.body) as { results: unknown[] }).results.length, 2)
    assert.ok(answer.at > signalledAt, 'answered after the signal')
  }
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /SIGTERM: shutting down gracefully/)
  assert.match(stderr, /info {2}stopped/)
  assert.doesNotMatch(stderr, / (warn|error) /, 'nothing dropped, nothing failed')
  assert.equal(await portIsFree(port), true)
})
