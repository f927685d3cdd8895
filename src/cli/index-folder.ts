/**
 * Folder-level safety for `ppserve index`: one changing command per index at a time (a lock file
 * beside the index), and whole indexes created beside their final place and moved in by rename,
 * so a failed or killed build never leaves a half-written index under the real name, and a
 * `--force` rebuild keeps the old index until the new one is complete.
 */
import { existsSync } from 'node:fs'
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInput } from '../engine/errors.js'
import { syncPath } from '../retrieval/generation-store.js'
import { galleryExists } from '../tasks/recognition/gallery.js'
import { log } from '../util/log.js'

const sibling = (dir: string, suffix: string) => path.join(path.dirname(dir), `.${path.basename(dir)}.${suffix}`)

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0 only asks whether the process exists
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

async function acquire(lockFile: string, name: string): Promise<void> {
  // The pid is written first and the lock made by link(), which fails when the name exists: the
  // lock file is never seen empty.
  const mine = `${lockFile}.${process.pid}`
  await writeFile(mine, `${process.pid}\n`)
  try {
    for (;;) {
      try {
        await link(mine, lockFile)
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      // The holder may release the lock between link() and this read: then it reads as stale.
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new InvalidInput(`index ${name} is being changed by another ppserve process (pid ${pid}); wait for it to finish, or delete ${lockFile} if it is not running`)
      }
      await rm(lockFile, { force: true }) // left by a process that was killed
    }
  } finally {
    await rm(mine, { force: true })
  }
}

/**
 * Cleans up after interrupted commands: moves back an index a `--force` swap cut short had moved
 * aside, and removes unfinished builds and lock attempts of processes that are gone.
 */
async function recoverInterrupted(dir: string): Promise<void> {
  const base = path.basename(dir).replace(/[.]/g, '\\.')
  const pattern = new RegExp(`^\\.${base}\\.(building-|replaced-|lock\\.)(\\d+)$`)
  for (const entry of await readdir(path.dirname(dir))) {
    const match = pattern.exec(entry)
    if (!match || Number(match[2]) === process.pid || isRunning(Number(match[2]))) continue
    const full = path.join(path.dirname(dir), entry)
    if (match[1] === 'replaced-' && !existsSync(dir)) {
      log.warn(`restoring index ${dir} from ${full}, left by an interrupted --force build`)
      await rename(full, dir)
    } else {
      await rm(full, { recursive: true, force: true })
    }
  }
}

/**
 * Runs `change` holding the index's lock (`.NAME.lock` beside its folder). Under the lock no other
 * `ppserve index` command changes this index, so leftovers of interrupted ones are cleaned first.
 */
export async function withIndexLock<T>(dir: string, change: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(dir), { recursive: true })
  const lockFile = sibling(dir, 'lock')
  await acquire(lockFile, path.basename(dir))
  try {
    await recoverInterrupted(dir)
    return await change()
  } finally {
    await rm(lockFile, { force: true })
  }
}

/**
 * Creates an index with `build(tempDir)` in a folder beside `dir`, then moves it to `dir`. An
 * existing index is refused unless `replace`; when replaced, it is moved aside, the new one moved
 * in, and only then the old one deleted. Call under withIndexLock.
 */
export async function installIndex<T>(dir: string, replace: boolean, build: (tempDir: string) => Promise<T>): Promise<T> {
  if (existsSync(dir) && !replace) throw existsError(dir)
  const temp = sibling(dir, `building-${process.pid}`)
  await rm(temp, { recursive: true, force: true })
  try {
    const result = await build(temp)
    const aside = sibling(dir, `replaced-${process.pid}`)
    const hadOld = existsSync(dir)
    if (hadOld) await rename(dir, aside)
    await rename(temp, dir)
    await syncPath(path.dirname(dir))
    if (hadOld) await rm(aside, { recursive: true, force: true })
    return result
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** Refuses to build over `dir`: an index there, or a folder that is not one. */
export function existsError(dir: string): InvalidInput {
  if (!galleryExists(dir)) return new InvalidInput(`${dir} exists but holds no index (no CURRENT file); add --force to replace it, or pick another --name`)
  return new InvalidInput(`index ${path.basename(dir)} already exists in ${dir}; add --force to replace it, or use index append / remove to change it`)
}
