/**
 * The folder-level safety of `ppserve index` (index-folder.ts), in-process with fake index
 * folders: the lock refuses a second live writer once its wait is over and takes over a dead one's, a `--force` swap
 * cut short between its two renames is undone by the next command, and a failed build leaves
 * neither a temp folder nor a change.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { installIndex, withIndexLock } from '../../src/cli/index-folder.js'

const root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-index-folder-'))
after(() => rmSync(root, { recursive: true, force: true }))
let count = 0
const fresh = () => {
  const parent = path.join(root, `p${++count}`)
  mkdirSync(parent)
  return { parent, dir: path.join(parent, 'shop.v2') }
}
/** A pid no process has (Linux pids stay below 2^22). */
const DEAD_PID = 4_194_304 + 17

function fakeIndex(dir: string, content: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'CURRENT'), 'gen-000001\n')
  writeFileSync(path.join(dir, 'marker'), content)
}

describe('index folder lock and swap', () => {
  it('a live holder of the lock is refused with its pid; a dead one is taken over', async () => {
    const { parent, dir } = fresh()
    writeFileSync(path.join(parent, '.shop.v2.lock'), `${process.ppid}\n`)
    const started = Date.now()
    await assert.rejects(withIndexLock(dir, async () => 'ran', 200), new RegExp(`being changed by another ppserve process \\(pid ${process.ppid}\\)`))
    assert.ok(Date.now() - started >= 200, 'it waited for the holder first')
    writeFileSync(path.join(parent, '.shop.v2.lock'), `${DEAD_PID}\n`)
    assert.equal(await withIndexLock(dir, async () => 'ran'), 'ran')
    assert.deepEqual(readdirSync(parent), [], 'the lock is released')
  })

  it('an index moved aside by an interrupted --force swap is moved back; dead builds are removed', async () => {
    const { parent, dir } = fresh()
    fakeIndex(path.join(parent, `.shop.v2.replaced-${DEAD_PID}`), 'old')
    fakeIndex(path.join(parent, `.shop.v2.building-${DEAD_PID}`), 'new, unfinished')
    fakeIndex(path.join(parent, `.shop.v2x.building-${DEAD_PID}`), 'another index: left alone')
    await withIndexLock(dir, async () => undefined)
    assert.equal(readFileSync(path.join(dir, 'marker'), 'utf8'), 'old')
    assert.deepEqual(readdirSync(parent).sort(), [`.shop.v2x.building-${DEAD_PID}`, 'shop.v2'])
  })

  it('--force swaps the new index in; a failed build changes nothing and leaves no temp folder', async () => {
    const { parent, dir } = fresh()
    fakeIndex(dir, 'old')
    await assert.rejects(withIndexLock(dir, () => installIndex(dir, false, async () => undefined)), /already exists.*--force/)
    await assert.rejects(
      withIndexLock(dir, () =>
        installIndex(dir, true, async (temp) => {
          fakeIndex(temp, 'half')
          throw new Error('embedding failed')
        }),
      ),
      /embedding failed/,
    )
    assert.equal(readFileSync(path.join(dir, 'marker'), 'utf8'), 'old')
    assert.deepEqual(readdirSync(parent), ['shop.v2'])
    await withIndexLock(dir, () => installIndex(dir, true, async (temp) => fakeIndex(temp, 'new')))
    assert.equal(readFileSync(path.join(dir, 'marker'), 'utf8'), 'new')
    assert.deepEqual(readdirSync(parent), ['shop.v2'])
    assert.equal(existsSync(path.join(parent, '.shop.v2.lock')), false)
  })
})
