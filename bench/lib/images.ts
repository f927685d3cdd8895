/** The benchmark images: every image file of a folder, read once, with the MIME type to send. */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { ASSETS_DIR } from './bench-config.js'
import { SERVICE_IMAGES, type ServiceName } from './load-plan.js'

export interface BenchImage {
  readonly name: string
  readonly path: string
  readonly bytes: Uint8Array
  readonly mime: string
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
}

// Natural order (2.jpg before 10.jpg) so the per-image tables read like the folder.
const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true })

export async function loadImages(dir: string): Promise<BenchImage[]> {
  const names = (await readdir(dir)).filter((name) => path.extname(name).toLowerCase() in MIME_BY_EXTENSION).sort(byName)
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name)
      const mime = MIME_BY_EXTENSION[path.extname(name).toLowerCase()]!
      return { name, path: file, bytes: new Uint8Array(await readFile(file)), mime }
    }),
  )
}

/** A service's benchmark images under ../shared/assets (bench/lib/load-plan.ts SERVICE_IMAGES). */
export async function serviceImages(service: ServiceName): Promise<BenchImage[]> {
  const dir = path.join(ASSETS_DIR, SERVICE_IMAGES[service].imagesDir)
  if (!existsSync(dir)) throw new Error(`${service} images not found in ${dir}: put ../shared/assets beside the project`)
  const images = await loadImages(dir)
  if (images.length === 0) throw new Error(`no image files in ${dir}`)
  return images
}
