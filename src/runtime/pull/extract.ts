/**
 * Archives a source may come as: .tar and gzip-compressed tar (.tar.gz, .tgz), recognised by
 * their bytes rather than their names. Extraction goes into a staging folder and refuses the
 * whole archive when an entry would land outside it (absolute paths, `..`, links pointing out).
 */
import { open } from 'node:fs/promises'
import path from 'node:path'
import { x as untar, type ReadEntry } from 'tar'
import { PullError } from './errors.js'

export type ArchiveKind = 'tar' | 'tar.gz' | 'zip' | 'none'

/** Sniffs the first bytes: gzip magic, zip magic, or "ustar" at offset 257. */
export async function archiveKind(file: string): Promise<ArchiveKind> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(262)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz'
    if (bytesRead >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'zip'
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar'
    return 'none'
  } finally {
    await handle.close()
  }
}

function escapes(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative.startsWith('..') || path.isAbsolute(relative)
}

/** Why an entry is refused, or undefined when it stays inside root. */
function unsafeEntry(root: string, entry: ReadEntry): string | undefined {
  if (path.isAbsolute(entry.path) || entry.path.split(/[\\/]/).includes('..')) return `entry ${entry.path} leaves the extraction folder`
  if (escapes(root, path.resolve(root, entry.path))) return `entry ${entry.path} leaves the extraction folder`
  if ((entry.type === 'SymbolicLink' || entry.type === 'Link') && entry.linkpath) {
    const base = entry.type === 'Link' ? root : path.dirname(path.resolve(root, entry.path))
    if (path.isAbsolute(entry.linkpath) || escapes(root, path.resolve(base, entry.linkpath))) return `link ${entry.path} → ${entry.linkpath} points outside the extraction folder`
  }
  return undefined
}

/** Extracts a tar / tar.gz archive into `destination` (which must exist); returns the entry count. */
export async function extractArchive(file: string, destination: string, what: string): Promise<number> {
  const kind = await archiveKind(file)
  if (kind === 'zip') throw new PullError(`${what}: ${path.basename(file)} is a zip archive; only .tar and .tar.gz are supported`)
  if (kind === 'none') throw new PullError(`${what}: ${path.basename(file)} is neither a tar nor a gzip-compressed tar archive`)
  const root = path.resolve(destination)
  const refused: string[] = []
  let entries = 0
  try {
    await untar({
      file,
      cwd: root,
      strict: true,
      preserveOwner: false,
      filter: (_path, entry) => {
        const problem = 'type' in entry ? unsafeEntry(root, entry as ReadEntry) : undefined
        if (problem) refused.push(problem)
        else entries += 1
        return problem === undefined
      },
    })
  } catch (error) {
    throw new PullError(`${what}: cannot extract ${path.basename(file)}: ${(error as Error).message}`, { cause: error })
  }
  if (refused.length > 0) throw new PullError(`${what}: refusing ${path.basename(file)}: ${refused.slice(0, 3).join('; ')}${refused.length > 3 ? ` (and ${refused.length - 3} more)` : ''}`)
  return entries
}
