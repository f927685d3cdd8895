/**
 * The `visualize` option and `Accept: image/jpeg` apart from any drawing: how values and Accept
 * headers are read, that a task without an overlay (or a protocol that cannot return drawings)
 * keeps refusing `visualize` as an unknown option, and the errors a task route gives.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { InvalidOption } from '../../src/engine/errors.js'
import { prefersJpeg } from '../../src/server/visualize-answer.js'
import { parseVisualize, takeVisualize } from '../../src/server/visualize.js'
import { classifyTask } from '../../src/tasks/classification/classify-task.js'
import { TASKS } from '../../src/tasks/registry.js'
import { echoSessions, echoTask, writeEchoPackage } from '../tasks/echo/echo-task.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

const drawing = { maxSide: 1280, quality: 80 }

describe('the visualize option', () => {
  it('reads booleans and their string forms like the other flags; anything else is an InvalidOption naming it', () => {
    for (const value of [true, 'true', '1', 'yes', 'on', ' TRUE ']) assert.equal(parseVisualize(value), true, String(value))
    for (const value of [false, 'false', '0', 'no', 'off']) assert.equal(parseVisualize(value), false, String(value))
    assert.equal(parseVisualize(undefined), undefined)
    for (const value of ['maybe', 2, null, ['true']]) assert.throws(() => parseVisualize(value), (e: Error) => e instanceof InvalidOption && /visualize/.test(e.message))
  })

  it('is taken out of the options only when the protocol can return drawings and the task can draw', () => {
    assert.deepEqual(takeVisualize(echoTask, { visualize: 'true', scale: 2 }, drawing), { options: { visualize: 'true', scale: 2 } })
    assert.deepEqual(takeVisualize(classifyTask, { visualize: 'true' }, undefined), { options: { visualize: 'true' } })
    assert.deepEqual(takeVisualize(classifyTask, { visualize: 'false', topk: 2 }, drawing), { options: { topk: 2 } })
    assert.deepEqual(takeVisualize(classifyTask, { topk: 2 }, drawing), { options: { topk: 2 } })
    const asked = takeVisualize(classifyTask, { visualize: '1', topk: 2 }, drawing)
    assert.deepEqual(asked.options, { topk: 2 })
    assert.equal(typeof asked.drawer, 'function')
  })

  it('answers JPEG only when Accept names image/jpeg above application/json', () => {
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, false],
      ['*/*', false],
      ['image/*', false],
      ['text/html,application/xhtml+xml,image/webp,*/*;q=0.8', false],
      ['image/jpeg', true],
      ['IMAGE/JPEG; q=1', true],
      ['image/jpeg, */*;q=0.5', true],
      ['image/jpeg;q=0.5, application/json', false],
      ['application/json, image/jpeg', false],
      ['application/json;q=0.4, image/jpeg;q=0.9', true],
      ['image/jpeg;q=0', false],
      ['image/jpeg;q=abc', false],
    ]
    for (const [accept, expected] of cases) assert.equal(prefersJpeg(accept), expected, String(accept))
  })
})

describe('visualize on a task that does not draw', () => {
  let server: TestServer
  let modelsDir: string
  let png: Uint8Array

  before(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'echo-models-'))
    await writeEchoPackage(modelsDir)
    server = await startTestServer({ models: { dir: modelsDir, auto_pull: false }, services: { ocr: { enabled: false } } }, { tasks: [...TASKS, echoTask], sessionFactory: echoSessions([]) })
    png = new Uint8Array(await sharp({ create: { width: 8, height: 6, channels: 3, background: '#0a141e' } }).png().toBuffer())
  })
  after(async () => {
    await server?.close()
    await rm(modelsDir, { recursive: true, force: true })
  })

  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/echo${query}`, { method: 'POST', headers: { 'content-type': 'image/png', ...headers }, body: png })

  it('refuses visualize as an unknown option (422), and Accept: image/jpeg with a 400 saying why', async () => {
    const option = await post('?visualize=true')
    assert.equal(option.status, 422)
    assert.match(((await option.json()) as { error: { message: string } }).error.message, /unknown option visualize/)
    const jpeg = await post('', { accept: 'image/jpeg' })
    assert.equal(jpeg.status, 400)
    assert.match(((await jpeg.json()) as { error: { message: string } }).error.message, /echo does not draw its results: accept application\/json/)
    const plain = await post('')
    assert.deepEqual(await plain.json(), { tag: '', echo: [{ width: 8, height: 6, mean: [10, 20, 30] }] })
  })
})
