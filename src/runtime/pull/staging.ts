/**
 * The staging folder of a pull, `models/NAME/.pull-<pid>-XXXXXX/`: everything is fetched,
 * extracted, converted and verified there, on the package's own file system, then moved into
 * the package with renames, the model file last (the commit point). Until that last rename the
 * package is as it was; removing the staging folder undoes everything else.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'

const PREFIX = '.pull-'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes staging folders left by pulls whose process died (SIGKILL, power loss). */
function removeStale(packageDir: string): void {
  for (const name of readdirSync(packageDir)) {
    const match = new RegExp(`^\\${PREFIX}(\\d+)-`).exec(name)
    if (match && !alive(Number(match[1]))) rmSync(path.join(packageDir, name), { recursive: true, force: true })
  }
}

export async function createStaging(packageDir: string): Promise<string> {
  removeStale(packageDir)
  return mkdtemp(path.join(packageDir, `${PREFIX}${process.pid}-`))
}

export async function removeStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true })
}

/**
 * Moves staged files (paths relative to both folders) into the package, in the order given:
 * synchronously, so no signal handler or other task runs between the renames.
 */
export function commitStaged(staging: string, packageDir: string, relativePaths: readonly string[]): void {
  for (const relative of relativePaths) {
    const target = path.join(packageDir, relative)
    mkdirSync(path.dirname(target), { recursive: true })
    renameSync(path.join(staging, relative), target)
  }
}
