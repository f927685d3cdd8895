/**
 * The gallery folder lock shared by server replicas and the index CLI (src/retrieval/folder-lock.ts):
 * holders run one at a time, waits end at their bound or their signal, a holder on another host is
 * named and not judged by a local pid, and a released lock is only ever the releaser's own.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, renameSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { DeadlineExceeded, Overloaded } from '../../src/engine/errors.js'
import { FolderLock, lockFileOf, withFolderLock } from '../../src/retrieval/folder-lock.js'

const root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-folder-lock-'))
after(() => rmSync(root, { recursive: true, force: true }))
let count = 0
const freshDir = () => path.join(root, `g${++count}`, 'shop')

describe('gallery folder lock', () => {
  it('holders in one process run one at a time', async () => {
    const dir = freshDir()
    let inside = 0
    let most = 0
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withFolderLock(dir, async () => {
          most = Math.max(most, ++inside)
          await sleep(5)
          order.push(i)
          inside--
        }),
      ),
    )
    assert.equal(most, 1, 'never two holders at once')
    assert.equal(order.length, 6)
    assert.equal(existsSync(lockFileOf(dir)), false, 'released')
  })

  it('a holder on another host is waited for and named with its host; a local pid check says nothing about it', async () => {
    const dir = freshDir()
    mkdirSync(path.dirname(dir), { recursive: true })
    // pid 1 runs here, but on another host it says nothing: only the heartbeat counts.
    writeFileSync(lockFileOf(dir), '999999 some-other-host\n')
    const started = Date.now()
    await assert.rejects(withFolderLock(dir, async () => 'ran', { waitMs: 150 }), (error: Error) => {
      assert.ok(error instanceof Overloaded)
      assert.match(error.message, /being changed by another ppserve process \(pid 999999 on some-other-host\)/)
      return true
    })
    assert.ok(Date.now() - started >= 150)
    assert.equal(readFileSync(lockFileOf(dir), 'utf8'), '999999 some-other-host\n', 'left in place')
  })

  it('a wait ends with the signal’s own reason when it aborts', async () => {
    const dir = freshDir()
    const held = await FolderLock.acquire(dir)
    const controller = new AbortController()
    const waiting = withFolderLock(dir, async () => 'ran', { signal: controller.signal, waitMs: 10_000 })
    setTimeout(() => controller.abort(new DeadlineExceeded('the request’s deadline passed')), 50)
    await assert.rejects(waiting, /the request’s deadline passed/)
    await held.release()
    assert.equal(await withFolderLock(dir, async () => 'ran'), 'ran')
  })

  it('release leaves a lock another writer took over', async () => {
    const dir = freshDir()
    const held = await FolderLock.acquire(dir)
    // A new holder's file, made while the old one still exists so it cannot get the same inode.
    writeFileSync(`${lockFileOf(dir)}.new`, `${process.pid} ${os.hostname()}\n`)
    renameSync(`${lockFileOf(dir)}.new`, lockFileOf(dir))
    await held.release()
    assert.equal(existsSync(lockFileOf(dir)), true)
  })
})
