/**
 * Folder-level safety for `ppserve index`: one writer per index at a time (the lock file beside
 * the index, which server replicas take too), and whole indexes created beside their final place
 * and moved in by rename, so a failed or killed build never leaves a half-written index under the
 * real name, and a `--force` rebuild keeps the old index until the new one is complete.
 */
import { existsSync } from 'node:fs'
import { readdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInput } from '../engine/errors.js'
import { withFolderLock } from '../retrieval/folder-lock.js'
import { syncPath } from '../retrieval/generation-store.js'
import { galleryExists } from '../tasks/recognition/gallery.js'
import { log } from '../util/log.js'

const sibling = (dir: string, suffix: string) => path.join(path.dirname(dir), `.${path.basename(dir)}.${suffix}`)

/** How long a command waits for a server replica's (or another command's) change to finish. */
const CLI_LOCK_WAIT_MS = 60_000

/**
 * Cleans up after interrupted commands: moves back an index a `--force` swap cut short had moved
 * aside, and removes unfinished builds. Only the lock's holder makes these, so under the lock
 * every one is a leftover, whatever host or pid made it.
 */
async function recoverInterrupted(dir: string): Promise<void> {
  const base = path.basename(dir).replace(/[.]/g, '\\.')
  const pattern = new RegExp(`^\\.${base}\\.(building-|replaced-)(\\d+)$`)
  for (const entry of await readdir(path.dirname(dir))) {
    const match = pattern.exec(entry)
    if (!match || Number(match[2]) === process.pid) continue
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
 * Runs `change` holding the index's lock (`.NAME.lock` beside its folder), the same lock every
 * server replica takes for its gallery changes (src/retrieval/folder-lock.ts): waits up to
 * `waitMs` (default 60 s) for the holder, saying so on stderr. Under the lock nothing else
 * changes this index, so leftovers of interrupted commands are cleaned first.
 */
export async function withIndexLock<T>(dir: string, change: () => Promise<T>, waitMs = CLI_LOCK_WAIT_MS): Promise<T> {
  const onWait = (holder: string) => process.stderr.write(`index: waiting for index ${path.basename(dir)}, being changed by ${holder}\n`)
  return withFolderLock(
    dir,
    async () => {
      await recoverInterrupted(dir)
      return change()
    },
    { waitMs, onWait },
  )
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
