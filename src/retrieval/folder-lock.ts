/**
 * The cross-process lock of one gallery folder: `.NAME.lock` beside `index/NAME/`, held by every
 * writer (the `index` command, each server replica's gallery changes) for the whole of a change,
 * so writers on one folder, shared storage included, run one at a time and each builds on the
 * generation the previous one committed.
 *
 * Hand-written rather than a library (proper-lockfile): the CLI's link()-based lock already
 * existed, and replicas on shared storage need the holder's host in the file, which it lacks.
 * The lock file says `PID HOST`. A holder on this host is alive while its pid runs; a holder on
 * another host touches the file every HEARTBEAT_MS, so one whose file stayed unchanged for
 * STALE_MS while we waited has crashed. Either stale lock is taken over.
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Overloaded } from '../engine/errors.js'

const HEARTBEAT_MS = 2_000
const STALE_MS = 10_000
/** Lock attempts of a crashed waiter (each lives a moment) are removed past this age. */
const ATTEMPT_LEFTOVER_MS = 60_000
const HOST = hostname()

export interface LockWait {
  /** Give up waiting after this long (Overloaded, 503 on a request); default 30 s. */
  readonly waitMs?: number
  /** Stop waiting when this aborts (a request's disconnect): rejects with its reason. */
  readonly signal?: AbortSignal
  /** Called once when the lock is taken and this call has to wait (the CLI says so). */
  readonly onWait?: (holder: string) => void
}

export const lockFileOf = (dir: string): string => path.join(path.dirname(dir), `.${path.basename(dir)}.lock`)

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0 only asks whether the process exists
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

interface Holder {
  readonly pid: number
  readonly host: string
  readonly ino: number
  readonly mtimeMs: number
}

/** The lock's holder, or undefined when it was released meanwhile. A lock without a host (older ppserve) is this host's. */
async function readHolder(lockFile: string): Promise<Holder | undefined> {
  try {
    const [info, text] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')])
    const [pid = '', host = HOST] = text.trim().split(/\s+/)
    return { pid: Number(pid), host, ino: info.ino, mtimeMs: info.mtimeMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const describe = (holder: Holder) => `pid ${holder.pid}${holder.host === HOST ? '' : ` on ${holder.host}`}`

/** Tries once to create the lock; true when this call now holds it. */
async function tryLink(lockFile: string): Promise<boolean> {
  // The content is written first and the lock made by link(), which fails when the name exists:
  // the lock file is never seen empty. The attempt file's name is unique per call, as two
  // servers in one process (tests) may try at once.
  const attempt = `${lockFile}.${process.pid}-${randomBytes(4).toString('hex')}`
  await writeFile(attempt, `${process.pid} ${HOST}\n`)
  try {
    await link(attempt, lockFile)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return false
  } finally {
    await rm(attempt, { force: true })
  }
}

/** Moves a stale lock away; puts it back when it turns out to be a new holder's (taken since it was judged). */
async function breakStale(lockFile: string, stale: Holder): Promise<void> {
  const aside = `${lockFile}.stale-${randomBytes(4).toString('hex')}`
  try {
    await rename(lockFile, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if ((await stat(aside)).ino !== stale.ino) await link(aside, lockFile).catch(() => undefined)
  await rm(aside, { force: true })
}

/** A held lock: kept fresh for waiters on other hosts until released. */
export class FolderLock {
  readonly #heartbeat: NodeJS.Timeout
  #ino: number | undefined

  private constructor(readonly lockFile: string) {
    this.#heartbeat = setInterval(() => {
      const now = new Date()
      utimes(lockFile, now, now).catch(() => undefined) // a missed beat only makes waiters wait longer
    }, HEARTBEAT_MS)
    this.#heartbeat.unref()
  }

  /** Waits (polling, bounded by `waitMs` and `signal`) until the lock of `dir` is this process's. */
  static async acquire(dir: string, wait: LockWait = {}): Promise<FolderLock> {
    const lockFile = lockFileOf(dir)
    await mkdir(path.dirname(dir), { recursive: true })
    const giveUpAt = Date.now() + (wait.waitMs ?? 30_000)
    let watched: { holder: Holder; since: number } | undefined
    let pause = 2
    for (;;) {
      wait.signal?.throwIfAborted()
      if (await tryLink(lockFile)) {
        const lock = new FolderLock(lockFile)
        lock.#ino = (await stat(lockFile)).ino
        return lock
      }
      const holder = await readHolder(lockFile)
      if (!holder) continue // released between the two calls
      const now = Date.now()
      // A holder on another host is judged by its heartbeat: how long its file stayed unchanged.
      const unchanged = watched !== undefined && watched.holder.ino === holder.ino && watched.holder.mtimeMs === holder.mtimeMs
      if (watched === undefined) wait.onWait?.(describe(holder))
      if (!unchanged) watched = { holder, since: now }
      const quietMs = now - watched!.since
      const dead = holder.host === HOST ? !(Number.isInteger(holder.pid) && holder.pid > 0 && isRunning(holder.pid)) : quietMs >= STALE_MS
      if (dead) {
        await breakStale(lockFile, holder)
        continue
      }
      if (now >= giveUpAt) {
        throw new Overloaded(`index ${path.basename(dir)} is being changed by another ppserve process (${describe(holder)}); retry when it is done, or delete ${lockFile} if that process is not running`, 1)
      }
      // Short pauses at first (a server's change holds the lock for milliseconds), jittered so
      // waiters do not retry in step.
      await sleep(Math.min(pause * (0.5 + Math.random()), giveUpAt - now), undefined, { signal: wait.signal }).catch((error: unknown) => {
        wait.signal?.throwIfAborted() // the request's own reason (deadline, disconnect), not an AbortError
        throw error
      })
      pause = Math.min(pause * 2, 50)
    }
  }

  /** Releases the lock, unless another writer took it over meanwhile (it judged this one stale). */
  async release(): Promise<void> {
    clearInterval(this.#heartbeat)
    const holder = await readHolder(this.lockFile)
    if (holder?.ino === this.#ino) await rm(this.lockFile, { force: true })
  }
}

/** Removes lock attempt files a crashed waiter left (each exists only for a moment otherwise). */
async function removeLeftoverAttempts(dir: string): Promise<void> {
  const prefix = `${path.basename(lockFileOf(dir))}.`
  const parent = path.dirname(dir)
  for (const entry of await readdir(parent)) {
    if (!entry.startsWith(prefix)) continue
    const file = path.join(parent, entry)
    const info = await stat(file).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > ATTEMPT_LEFTOVER_MS) await rm(file, { force: true })
  }
}

/** Runs `change` holding the lock of the gallery folder `dir`; see FolderLock.acquire for the wait. */
export async function withFolderLock<T>(dir: string, change: () => Promise<T>, wait: LockWait = {}): Promise<T> {
  const lock = await FolderLock.acquire(dir, wait)
  try {
    await removeLeftoverAttempts(dir)
    return await change()
  } finally {
    await lock.release()
  }
}
