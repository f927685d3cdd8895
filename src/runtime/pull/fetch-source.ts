/**
 * Gets a manifest `source` into reach: from the mirror folder (a file or a folder, used in
 * place) or downloaded into the staging folder, and checks its sha256 (a tree hash for folders).
 */
import { mkdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { ModelSource } from '../manifest.js'
import { checkSha256 } from './checksum.js'
import { downloadFile } from './download.js'
import { PullError } from './errors.js'
import { findInMirror, MIRROR_ENV } from './mirror.js'
import type { ProgressStream } from './progress-bar.js'
import { sha256File, treeHash } from './tree-hash.js'

/** What every fetch step of one pull shares. */
export interface PullWork {
  readonly name: string
  readonly staging: string
  readonly mirror: string | undefined
  readonly progress: ProgressStream
  readonly signal: AbortSignal
  readonly connectTimeoutMs: number | undefined
}

export interface FetchedSource {
  /** A file (an archive, an .onnx file) or a folder (a mirrored model folder). */
  readonly path: string
  readonly isFolder: boolean
  readonly sha256: string
  readonly sha256Of: 'file' | 'tree'
  readonly pinned: boolean
  readonly url?: string
  readonly mirror?: string
}

const DOWNLOADS = 'download'

async function fromMirror(source: ModelSource, work: PullWork, mirror: string): Promise<Omit<FetchedSource, 'pinned'>> {
  const found = findInMirror(mirror, source, `model ${work.name} source`)
  const isFolder = (await stat(found)).isDirectory()
  work.progress.write(`${work.name}: source from the mirror: ${found}\n`)
  const sha256 = isFolder ? (await treeHash(found)).sha256 : await sha256File(found)
  return { path: found, isFolder, sha256, sha256Of: isFolder ? 'tree' : 'file', mirror: found }
}

async function fromNetwork(source: ModelSource, work: PullWork): Promise<Omit<FetchedSource, 'pinned'>> {
  if (!source.url) {
    throw new PullError(`model ${work.name}: its source is only available from a mirror (mirror_path ${source.mirror_path}); pass --mirror DIR or set ${MIRROR_ENV}`)
  }
  const file = path.join(work.staging, DOWNLOADS, path.posix.basename(new URL(source.url).pathname) || 'source')
  await mkdir(path.dirname(file), { recursive: true })
  work.progress.write(`${work.name}: downloading ${source.url}\n`)
  const downloaded = await downloadFile(source.url, file, {
    progress: work.progress,
    label: `${work.name}:`,
    signal: work.signal,
    ...(work.connectTimeoutMs !== undefined ? { connectTimeoutMs: work.connectTimeoutMs } : {}),
  })
  return { path: file, isFolder: false, sha256: downloaded.sha256, sha256Of: 'file', url: source.url }
}

export async function fetchSource(source: ModelSource, work: PullWork, manifestFile: string): Promise<FetchedSource> {
  const fetched = work.mirror ? await fromMirror(source, work, work.mirror) : await fromNetwork(source, work)
  const what = `the source of ${work.name} (${fetched.mirror ?? fetched.url}${fetched.isFolder ? ', tree hash' : ''})`
  const pinned = checkSha256(source.sha256, fetched.sha256, what, work.progress, `source.sha256 in ${manifestFile}`)
  return { ...fetched, pinned }
}
