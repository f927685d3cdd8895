/**
 * The galleries after the fuzz run: each holds exactly what the successful changes imply
 * (./gallery-state.ts), the index folder holds only the galleries' own files (no folder a
 * traversal made, no stray or orphaned upload), a default-gallery item is still found by
 * /recognize with its own image, and the gallery still takes a change.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { FILE_NAMES } from '../../src/retrieval/gallery-format.js'
import type { SeedItem } from './gallery-seed.js'
import { labelCounts, type GalleryState } from './gallery-state.js'

interface GalleryInfo {
  size: number
  labels: Record<string, number>
}

export async function checkGalleryContents(url: string, state: GalleryState): Promise<void> {
  for (const [name, items] of state.galleries) {
    const response = await fetch(`${url}/gallery/${name}`)
    const text = await response.text()
    assert.equal(response.status, 200, `GET /gallery/${name}: ${text.slice(0, 300)}`)
    const info = JSON.parse(text) as GalleryInfo
    const sorted = Object.entries(info.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    assert.deepEqual({ size: info.size, labels: sorted }, { size: items.size, labels: labelCounts(items) }, `gallery ${name} differs from what the successful changes imply`)
  }
}

const UPLOAD = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.img$/
const GENERATION = /^gen-\d{6,}$/
const GENERATION_FILES = new Set<string>(Object.values(FILE_NAMES))

/** Problems with one gallery folder: files that are not the index's, generations not current, uploads not its items'. */
async function galleryFolderProblems(dir: string, uploads: number): Promise<string[]> {
  const problems: string[] = []
  const current = (await readFile(path.join(dir, 'CURRENT'), 'utf8')).trim()
  let files = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name)
    if (entry.isFile() && (entry.name === 'CURRENT' || entry.name === 'whitening.bin')) continue
    if (entry.isDirectory() && GENERATION.test(entry.name)) {
      if (entry.name !== current) problems.push(`${at}: a generation CURRENT does not name`)
      for (const file of await readdir(at)) if (!GENERATION_FILES.has(file)) problems.push(`${path.join(at, file)}: not a generation file`)
    } else if (entry.isDirectory() && entry.name === 'uploads') {
      for (const file of await readdir(at, { withFileTypes: true })) {
        if (file.isFile() && UPLOAD.test(file.name)) files++
        else problems.push(`${path.join(at, file.name)}: not an upload the server named`)
      }
    } else problems.push(`${at}: not part of a gallery`)
  }
  if (files !== uploads) problems.push(`${dir}/uploads holds ${files} images, its gallery ${uploads} uploaded items`)
  return problems
}

/** Only the default gallery and the built ones, each with its own files; `seedCount` items of the default one are not uploads. */
export async function checkIndexFolder(indexesDir: string, state: GalleryState, defaultIndex: string, seedCount: number): Promise<void> {
  const problems: string[] = []
  for (const entry of await readdir(indexesDir, { withFileTypes: true })) {
    const items = state.galleries.get(entry.name)
    if (!entry.isDirectory() || !items || (entry.name !== defaultIndex && !state.built.includes(entry.name))) {
      problems.push(`${path.join(indexesDir, entry.name)}: not a gallery the suite made`)
      continue
    }
    const uploads = [...items.keys()].filter((id) => entry.name !== defaultIndex || id >= seedCount).length
    problems.push(...(await galleryFolderProblems(path.join(indexesDir, entry.name), uploads)))
  }
  assert.deepEqual(problems, [], 'the index folder holds files that are not the galleries\' own')
}

interface Recognized {
  results: Array<Array<{ rec_docs: string; candidates?: Array<{ id: number; label: string; score: number }> }>>
}

async function recognize(url: string, png: Uint8Array): Promise<Recognized> {
  const response = await fetch(`${url}/recognize?return_k=50&score_thres=0.9`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })
  const text = await response.text()
  assert.equal(response.status, 200, text.slice(0, 300))
  return JSON.parse(text) as Recognized
}

/** Some default-gallery item still present is found by its own image (among equal-scoring copies the suite may have added). */
export async function checkSearchable(url: string, state: GalleryState, defaultIndex: string, seed: readonly SeedItem[], token: string): Promise<void> {
  const items = state.galleries.get(defaultIndex)!
  const survivor = seed.findIndex((_, id) => items.has(id))
  if (survivor >= 0) {
    const { results } = await recognize(url, seed[survivor]!.png)
    const candidates = results[0]!.flatMap((object) => object.candidates ?? [])
    const exact = candidates.filter((c) => c.score >= 0.999)
    assert.ok(exact.some((c) => c.id === survivor) || exact.length >= 50, `item ${survivor} (${seed[survivor]!.label}) not found by its own image: ${JSON.stringify(candidates.slice(0, 5))}`)
  }
  // And the gallery still takes a change: add an item of an image no request sent (the first one flipped), find it, remove it.
  const fresh = new Uint8Array(await sharp(seed[0]!.png).flop().png().toBuffer())
  const auth = { authorization: `Bearer ${token}` }
  const added = await fetch(`${url}/gallery/${defaultIndex}/items?label=after-fuzz`, { method: 'POST', headers: { 'content-type': 'image/png', ...auth }, body: fresh })
  const item = (await added.json()) as { id: number }
  assert.equal(added.status, 201, JSON.stringify(item))
  const found = (await recognize(url, fresh)).results[0]!.flatMap((o) => o.candidates ?? [])
  assert.ok(found.some((c) => c.id === item.id && c.score >= 0.999), `the item added after the run is not found: ${JSON.stringify(found.slice(0, 3))}`)
  assert.equal((await fetch(`${url}/gallery/${defaultIndex}/items/${item.id}`, { method: 'DELETE', headers: auth })).status, 200)
}

