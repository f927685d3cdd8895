/**
 * `ppserve index remove`: entries chosen by id, by label, or by the lines of a data file (an entry
 * goes when its image path and label are a line, as build_gallery.py's remove matches whole
 * lines), removed in one new generation. Selectors that match nothing are reported, not fatal,
 * unless nothing matched at all.
 */
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { InvalidInput, NotFound } from '../engine/errors.js'
import { parseDataFile, type DataFileProblem } from '../retrieval/data-file.js'
import type { GalleryEntry } from '../retrieval/id-map.js'
import { galleryExists, RecognitionGallery, UPLOADS_DIR, type GalleryInfo } from '../tasks/recognition/gallery.js'
import { calibrationSettings } from '../tasks/recognition/recognize-config.js'
import { withIndexLock } from './index-folder.js'
import { requireFaiss, type IndexSettings } from './index-settings.js'

/** Where the server keeps images added over HTTP (recognition-service.ts); they go with their entries. */

export interface RemoveRequest {
  readonly ids: readonly number[]
  readonly labels: readonly string[]
  readonly dataFile: string | undefined
}

export interface Unmatched {
  readonly ids: number[]
  readonly labels: string[]
  /** Data-file lines no entry matched. */
  readonly lines: number[]
}

export interface RemoveResult {
  readonly info: GalleryInfo
  readonly removed: number
  readonly sizeBefore: number
  readonly unmatched: Unmatched
  /** Data-file lines that could not be read as `path<TAB>label`. */
  readonly problems: readonly DataFileProblem[]
}

interface Selection {
  readonly ids: Set<number>
  readonly unmatched: Unmatched
  readonly problems: DataFileProblem[]
}

async function select(entries: readonly GalleryEntry[], request: RemoveRequest): Promise<Selection> {
  const ids = new Set<number>()
  const unmatched: Unmatched = { ids: [], labels: [], lines: [] }
  const known = new Set(entries.map((entry) => entry.id))
  for (const id of request.ids) {
    if (known.has(id)) ids.add(id)
    else unmatched.ids.push(id)
  }
  for (const label of request.labels) {
    const hits = entries.filter((entry) => entry.label === label)
    hits.forEach((entry) => ids.add(entry.id))
    if (hits.length === 0) unmatched.labels.push(label)
  }
  let problems: DataFileProblem[] = []
  if (request.dataFile !== undefined) {
    const text = await readFile(request.dataFile, 'utf8').catch((error: Error) => {
      throw new InvalidInput(`cannot read data file ${request.dataFile}: ${error.message}`, { cause: error })
    })
    const parsed = parseDataFile(text)
    problems = parsed.problems
    const byLine = new Map<string, number[]>()
    for (const entry of entries) {
      const key = `${entry.path}\t${entry.label}`
      byLine.set(key, [...(byLine.get(key) ?? []), entry.id])
    }
    for (const item of parsed.items) {
      const hits = byLine.get(`${item.path}\t${item.label}`) ?? []
      hits.forEach((id) => ids.add(id))
      if (hits.length === 0) unmatched.lines.push(item.line)
    }
  }
  return { ids, unmatched, problems }
}

export async function removeFromIndex(settings: IndexSettings, request: RemoveRequest): Promise<RemoveResult> {
  requireFaiss()
  const { dir, name } = settings
  if (!galleryExists(dir)) throw new NotFound(`index ${name} does not exist in ${dir}`)
  return withIndexLock(dir, async () => {
    const gallery = await RecognitionGallery.open(dir, calibrationSettings(settings.config.services.recognize))
    const entries = gallery.index.entries
    const sizeBefore = entries.length
    const { ids, unmatched, problems } = await select(entries, request)
    for (const problem of problems) process.stderr.write(`${request.dataFile}:${problem.line}: ${problem.message} (skipped)\n`)
    if (ids.size === 0) throw new NotFound(`nothing to remove: no entry of index ${name} matches ${describeUnmatched(unmatched)}`)
    const uploads = entries.filter((entry) => ids.has(entry.id) && entry.path.startsWith(`${UPLOADS_DIR}/`))
    const removed = await gallery.remove([...ids])
    // After the commit: a file of a removed entry is no longer referenced by any generation kept.
    await Promise.all(uploads.map((entry) => rm(path.join(dir, entry.path), { force: true })))
    return { info: gallery.info(), removed, sizeBefore, unmatched, problems }
  })
}

/** "ids 7, 9; labels "x"; data-file lines 3, 4" for what matched nothing. */
export function describeUnmatched(unmatched: Unmatched): string {
  const parts: string[] = []
  if (unmatched.ids.length > 0) parts.push(`ids ${unmatched.ids.join(', ')}`)
  if (unmatched.labels.length > 0) parts.push(`labels ${unmatched.labels.map((label) => JSON.stringify(label)).join(', ')}`)
  if (unmatched.lines.length > 0) parts.push(`data-file lines ${unmatched.lines.join(', ')}`)
  return parts.join('; ') || 'the selectors given'
}
