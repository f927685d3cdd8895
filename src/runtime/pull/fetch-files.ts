/**
 * Fetches a manifest's pulled `files` (label lists, dictionaries) into the staging copy of the
 * package: copied from the mirror or downloaded, then checked against their pinned sha256.
 */
import { chmod, copyFile, mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { PulledFile } from '../manifest.js'
import { resolveFileRef } from '../file-ref.js'
import { checkSha256 } from './checksum.js'
import { downloadFile } from './download.js'
import { PullError } from './errors.js'
import type { PullWork } from './fetch-source.js'
import { findInMirror, MIRROR_ENV } from './mirror.js'
import { sha256File } from './tree-hash.js'

export interface FetchedFile {
  readonly key: string
  /** Relative to the package folder. */
  readonly path: string
  readonly sha256: string
  /** The URL or mirror file it came from. */
  readonly from: string
}

export async function fetchPulledFile(key: string, file: PulledFile, work: PullWork, stagedPackage: string, manifestFile: string): Promise<FetchedFile> {
  const what = `file ${key} (${file.path}) of ${work.name}`
  const destination = resolveFileRef(file.path, stagedPackage)
  await mkdir(path.dirname(destination), { recursive: true })
  let from: string
  let sha256: string
  if (work.mirror) {
    from = findInMirror(work.mirror, file, what)
    if (!(await stat(from)).isFile()) throw new PullError(`${what}: ${from} in the mirror is not a file`)
    await copyFile(from, destination)
    await chmod(destination, 0o644) // mirrors are often read-only; the installed copy should not be
    sha256 = await sha256File(destination)
  } else {
    if (!file.url) throw new PullError(`${what} is only available from a mirror (mirror_path ${file.mirror_path}); pass --mirror DIR or set ${MIRROR_ENV}`)
    from = file.url
    work.progress.write(`${work.name}: downloading ${file.url}\n`)
    const downloaded = await downloadFile(file.url, destination, {
      progress: work.progress,
      label: `${work.name}: ${file.path}`,
      signal: work.signal,
      ...(work.connectTimeoutMs !== undefined ? { connectTimeoutMs: work.connectTimeoutMs } : {}),
    })
    sha256 = downloaded.sha256
  }
  checkSha256(file.sha256, sha256, `${what} from ${from}`, work.progress, `files.${key}.sha256 in ${manifestFile}`)
  return { key, path: path.relative(stagedPackage, destination).split(path.sep).join('/'), sha256, from }
}
