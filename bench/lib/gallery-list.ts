/**
 * A PaddleClas gallery data file (`relpath<TAB>label` per line, labels may be Chinese), read with
 * the image bytes, for the retrieval benchmarks and accuracy tests.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'

export interface GalleryImage {
  /** Path relative to the gallery folder, as in the data file. */
  readonly path: string
  readonly label: string
  readonly bytes: Uint8Array
}

export async function readGalleryList(file: string): Promise<GalleryImage[]> {
  const root = path.dirname(file)
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '')
  return Promise.all(
    lines.map(async (line, i) => {
      const [relative, label] = line.split('\t')
      if (!relative || !label) throw new Error(`${file}:${i + 1}: expected "path<TAB>label", got ${JSON.stringify(line)}`)
      return { path: relative, label: label.trim(), bytes: new Uint8Array(await readFile(path.join(root, relative))) }
    }),
  )
}
