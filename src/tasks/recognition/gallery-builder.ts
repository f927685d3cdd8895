/**
 * Embeds the images of a PaddleClas gallery data file (`relpath<TAB>label` under an image root),
 * like build_gallery.py: in batches through the feature op, with progress. Bad lines, missing or
 * undecodable images are reported with their line numbers and skipped; `strict` makes any of
 * them fatal before anything is written.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Engine } from '../../engine/engine.js'
import { InvalidInput } from '../../engine/errors.js'
import type { ProgressStream } from '../../runtime/pull/progress-bar.js'
import { parseDataFile, type DataFileProblem } from '../../retrieval/data-file.js'
import type { GalleryItem } from '../../retrieval/id-map.js'
import { createCountProgress } from '../../util/count-progress.js'
import { decodeImage, type DecodeLimits } from '../../vision/decode.js'
import type { Embedder } from './embedder.js'

export interface EmbeddedGallery {
  readonly vectors: Float32Array[]
  readonly items: GalleryItem[]
  readonly problems: DataFileProblem[]
}

export interface BuildOptions {
  readonly dataFile: string
  readonly imageRoot: string
  readonly strict: boolean
  /** Images per feature-op request. */
  readonly batchSize: number
  readonly progress: ProgressStream
  readonly limits: DecodeLimits
}

/** Resolves a data-file path under the image root, refusing paths that leave it. */
export function galleryImagePath(imageRoot: string, relative: string): string | undefined {
  const full = path.resolve(imageRoot, relative)
  const inside = path.relative(path.resolve(imageRoot), full)
  return inside.startsWith('..') || path.isAbsolute(inside) ? undefined : full
}

export async function embedDataFile(engine: Engine, embedder: Embedder, options: BuildOptions): Promise<EmbeddedGallery> {
  const text = await readFile(options.dataFile, 'utf8').catch((error: Error) => {
    throw new InvalidInput(`cannot read data file ${options.dataFile}: ${error.message}`, { cause: error })
  })
  const parsed = parseDataFile(text)
  const problems = [...parsed.problems]
  const vectors: Float32Array[] = []
  const items: GalleryItem[] = []
  const progress = createCountProgress(options.progress, `embedding ${path.basename(options.dataFile)}`, parsed.items.length)
  for (let start = 0; start < parsed.items.length; start += options.batchSize) {
    const batch = parsed.items.slice(start, start + options.batchSize)
    const decoded = await Promise.all(
      batch.map(async (item) => {
        const file = galleryImagePath(options.imageRoot, item.path)
        if (!file) return { item, problem: `image path ${JSON.stringify(item.path)} leaves the image root` }
        try {
          return { item, image: await decodeImage(new Uint8Array(await readFile(file)), options.limits, 'rgb') }
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `image ${file} does not exist` : (error as Error).message
          return { item, problem: reason }
        }
      }),
    )
    const good = decoded.filter((d) => d.image !== undefined)
    for (const d of decoded) if (d.problem) problems.push({ line: d.item.line, message: d.problem })
    if (options.strict && problems.length > 0) break
    const ctx = engine.createContext({ deadlineMs: 600_000 })
    const embedded = await engine.serve('index', ctx, (c) => embedder.embed(good.map((d) => d.image!), c))
    embedded.forEach((vector, i) => {
      vectors.push(vector)
      items.push({ path: good[i]!.item.path, label: good[i]!.item.label })
    })
    progress.advance(batch.length)
  }
  progress.finish()
  problems.sort((a, b) => a.line - b.line)
  if (options.strict && problems.length > 0) {
    throw new InvalidInput(`${options.dataFile}: ${problems.length} problem(s) (--strict): ${problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}`)
  }
  return { vectors, items, problems }
}
