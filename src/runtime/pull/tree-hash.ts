/**
 * sha256 of a file, and of a folder (a "tree hash") for mirror sources that are folders of
 * per-parameter files: sha256 of the text with one line per regular file, sorted by relative
 * path (plain string order, `/` separators), each `<sha256 hex>  <relative path>\n`. That is
 * `sha256sum`'s output format, so the same value comes from a shell:
 *   (cd DIR && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs -d '\n' sha256sum) | sha256sum
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

/** Relative paths (with `/`) of the regular files under dir, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

export interface TreeHash {
  readonly sha256: string
  readonly files: number
}

export async function treeHash(dir: string): Promise<TreeHash> {
  const files = await listFiles(dir)
  const hash = createHash('sha256')
  for (const file of files) hash.update(`${await sha256File(path.join(dir, file))}  ${file}\n`)
  return { sha256: hash.digest('hex'), files: files.length }
}
