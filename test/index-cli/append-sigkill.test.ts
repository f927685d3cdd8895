/**
 * Index safety under SIGKILL: `ppserve index append` of 200 gallery images killed at a random
 * moment while it embeds, and again while it commits (0–100 ms after it announces the commit or
 * the new generation folder appears), must leave an index that loads, in a child process
 * (`index info`) and in-process (RecognitionGallery.open), as exactly the old generation or the
 * old one plus all 200 images, never anything between. The next changing command then recovers
 * the lock and the leftovers the killed one left behind.
 */
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { readdirSync, watch, type FSWatcher } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { generationName } from '../../src/retrieval/generation-store.js'
import { RecognitionGallery, type GalleryInfo } from '../../src/tasks/recognition/gallery.js'
import { createIndexCliEnv, galleryLines, GALLERY_ROOT, indexCliSkip, parseInfo, type IndexCliEnv, type InfoJson } from './helpers/index-cli.js'

const NAME = 'crash'
const BASE = 30
const APPENDED = 200

const randomMs = (low: number, high: number) => low + Math.random() * (high - low)

describe('index append killed with SIGKILL', { skip: indexCliSkip, timeout: 180_000 }, () => {
  let env: IndexCliEnv
  let appendFile: string
  let appendPaths: string[]
  const dir = () => path.join(env.indexesDir, NAME)
  const openInfo = async () => (await RecognitionGallery.open(dir())).info()

  before(async () => {
    env = createIndexCliEnv('index-crash')
    const lines = galleryLines()
    const built = await env.index(['build', '--name', NAME, '--data-file', env.dataFile('base.txt', lines.slice(0, BASE)), '--image-root', GALLERY_ROOT])
    assert.equal(built.code, 0, built.stderr)
    const chosen = lines.slice(BASE, BASE + APPENDED)
    appendFile = env.dataFile('append.txt', chosen)
    appendPaths = chosen.map((line) => line.split('\t')[0]!)
  })
  after(() => env?.remove())

  /** The state after a kill: old (exactly `before`) or old + all 200, checked both ways of loading. */
  async function assertOldOrNew(t: TestContext, before: GalleryInfo): Promise<InfoJson> {
    const now = parseInfo(await env.index(['info', '--name', NAME, '--json']))
    const gallery = await RecognitionGallery.open(dir())
    const entries = gallery.index.entries
    assert.equal(entries.length, now.size, 'the CLI and an in-process open agree')
    assert.equal(now.ntotal, now.size)
    if (now.size === before.size) {
      assert.equal(now.generation, before.generation)
      t.diagnostic(`old generation ${now.generation} (${now.size}); folder: ${readdirSync(path.dirname(dir())).join(' ')} | ${readdirSync(dir()).join(' ')}`)
    } else {
      assert.equal(now.size, before.size + APPENDED, `size ${now.size} is neither ${before.size} nor ${before.size + APPENDED}`)
      assert.equal(now.generation, before.generation + 1)
      assert.deepEqual(entries.slice(-APPENDED).map((e) => e.path), appendPaths, 'the new generation holds all 200, in order')
      t.diagnostic(`new generation ${now.generation} (${now.size})`)
    }
    return now
  }

  function killWhen(trigger: (child: ChildProcess, fire: (why: string) => void) => void, delayMs: () => number, note: string[]) {
    return (child: ChildProcess) => {
      let fired = false
      trigger(child, (why) => {
        if (fired) return
        fired = true
        const ms = delayMs()
        note.push(`${why}, killed ${ms.toFixed(1)} ms later`)
        setTimeout(() => child.kill('SIGKILL'), ms)
      })
    }
  }

  const onStderr = (pattern: RegExp) => (child: ChildProcess, fire: (why: string) => void) => {
    let text = ''
    child.stderr!.on('data', (chunk: string) => {
      text += chunk
      if (pattern.test(text)) fire(`stderr matched ${pattern}`)
    })
  }

  it('while embedding: the old index, unchanged', async (t) => {
    const before = await openInfo()
    const note: string[] = []
    // At a random progress line with at least 70 images still to embed (a fixed delay after the
    // start raced the whole run on a fast machine: 200 images embed in about 2 s).
    const at = [32, 64, 96, 128][Math.floor(Math.random() * 4)]!
    const progress = new RegExp(`embedding append\\.txt\\s+${at}/${APPENDED}`)
    const run = await env.index(['append', '--name', NAME, '--data-file', appendFile, '--image-root', GALLERY_ROOT], killWhen(onStderr(progress), () => randomMs(0, 50), note))
    t.diagnostic(`${note.join('; ')}; exit ${run.code ?? run.signal}`)
    assert.equal(run.signal, 'SIGKILL', `the append finished before the kill: ${run.stderr}`)
    const now = await assertOldOrNew(t, before)
    assert.equal(now.size, before.size, 'killed while embedding, nothing was committed')
  })

  it('while committing: old or old + 200, never between', async (t) => {
    const before = await openInfo()
    const next = generationName(before.generation + 1)
    const note: string[] = []
    let watcher: FSWatcher | undefined
    // Whichever comes first: the child announcing the commit, or its generation folder appearing.
    const trigger = (child: ChildProcess, fire: (why: string) => void) => {
      onStderr(/index: adding/)(child, fire)
      watcher = watch(dir(), (_event, file) => {
        if (file === next) fire(`${next} appeared`)
      })
    }
    const run = await env.index(['append', '--name', NAME, '--data-file', appendFile, '--image-root', GALLERY_ROOT], killWhen(trigger, () => randomMs(0, 100), note))
    watcher?.close()
    t.diagnostic(`${note.join('; ')}; exit ${run.code ?? run.signal}`)
    assert.ok(run.signal === 'SIGKILL' || run.code === 0, run.stderr)
    await assertOldOrNew(t, before)
  })

  it('the next change recovers the stale lock and leftovers, and commits', async () => {
    const before = await openInfo()
    const run = await env.index(['remove', '--name', NAME, '--id', '0'])
    assert.equal(run.code, 0, run.stderr)
    const now = await openInfo()
    assert.deepEqual([now.size, now.generation], [before.size - 1, before.generation + 1])
    assert.deepEqual(readdirSync(dir()).sort(), ['CURRENT', generationName(now.generation)])
    assert.deepEqual(readdirSync(env.indexesDir), [NAME], 'no lock or build folder left beside')
  })
})
