/**
 * The recognition benchmark's data: the hand-labelled drink test photos
 * (test/fixtures/recognition/test-photos.yml), a seeded held-out split of the drink gallery, and
 * the benchmark's gallery indexes built from it with the `index` CLI (the same code the server
 * and users build with), in a temporary indexes folder so the project's index/ is never touched.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { parseDataFile, type DataFileItem } from '../../src/retrieval/data-file.js'
import { seededRandom } from '../../src/util/seeded-random.js'
import { ASSETS_DIR, PROJECT_ROOT } from './bench-config.js'
import type { Box } from '../../src/tasks/detection/nms.js'

export const DRINK_DIR = path.join(ASSETS_DIR, 'drink_dataset_v1.0')
export const GALLERY_ROOT = path.join(DRINK_DIR, 'gallery')
export const GALLERY_LIST = path.join(GALLERY_ROOT, 'drink_label_all.txt')
export const PHOTOS_DIR = path.join(DRINK_DIR, 'test_images')
export const COCO_DIR = path.join(ASSETS_DIR, 'images/coco')
export const ANNOTATIONS = path.join(PROJECT_ROOT, 'test/fixtures/recognition/test-photos.yml')
/** The benchmark's index of the gallery minus the held-out images (scenes are searched in it). */
export const HELDOUT_INDEX = 'bench_heldout'

/** A ground-truth product: its box and gallery label (null: a product no label names). */
export interface GtObject {
  readonly box: Box
  readonly label: string | null
}

export type ImageKind = 'scene' | 'photo' | 'coco' | 'negative'

/** One benchmark image: a file, the gallery it is searched in, and what it shows. */
export interface BenchImage {
  readonly name: string
  readonly file: string
  readonly kind: ImageKind
  /** Gallery index name; undefined = the server's default index. */
  readonly index: string | undefined
  readonly width: number
  readonly height: number
  readonly objects: readonly GtObject[]
}

interface PhotoEntry {
  file: string
  objects: Array<{ box: [number, number, number, number]; label: string | null; decided: string }>
}

export async function loadTestPhotos(sizeOf: (file: string) => Promise<{ width: number; height: number }>): Promise<BenchImage[]> {
  const doc = parse(await readFile(ANNOTATIONS, 'utf8')) as { photos: PhotoEntry[] }
  return Promise.all(
    doc.photos.map(async (p) => {
      const file = path.join(PHOTOS_DIR, p.file)
      const { width, height } = await sizeOf(file)
      return { name: p.file, file, kind: 'photo' as const, index: undefined, width, height, objects: p.objects.map((o) => ({ box: o.box, label: o.label })) }
    }),
  )
}

export interface HeldOutSplit {
  readonly kept: DataFileItem[]
  /** One image of every label that has at least two, chosen by the seed. */
  readonly heldOut: DataFileItem[]
}

export async function splitGallery(seed: number): Promise<HeldOutSplit> {
  const { items } = parseDataFile(await readFile(GALLERY_LIST, 'utf8'))
  const byLabel = new Map<string, DataFileItem[]>()
  for (const item of items) byLabel.set(item.label, [...(byLabel.get(item.label) ?? []), item])
  const random = seededRandom(seed)
  const out = new Set<DataFileItem>()
  // Labels in file order, so the same seed always holds out the same images.
  for (const group of byLabel.values()) if (group.length >= 2) out.add(group[Math.floor(random() * group.length)]!)
  return { kept: items.filter((i) => !out.has(i)), heldOut: items.filter((i) => out.has(i)) }
}

function run(args: readonly string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      void writeFile(logFile, output)
      if (code === 0) resolve()
      else reject(new Error(`ppserve ${args.slice(0, 2).join(' ')} exited with ${code}:\n${output.split('\n').slice(-15).join('\n')}`))
    })
  })
}

/**
 * Fills `indexesDir` with `drink` (the full gallery: a copy of the project's index when it has
 * one, else the server builds it at start from `build_missing`) and the held-out index.
 */
export async function buildBenchIndexes(indexesDir: string, split: HeldOutSplit): Promise<void> {
  const projectDrink = path.join(PROJECT_ROOT, 'index/drink')
  if (existsSync(path.join(projectDrink, 'CURRENT'))) await cp(projectDrink, path.join(indexesDir, 'drink'), { recursive: true })
  const dataFile = path.join(indexesDir, 'heldout-gallery.txt')
  await writeFile(dataFile, split.kept.map((i) => `${i.path}\t${i.label}\n`).join(''))
  await run(
    ['index', 'build', '--name', HELDOUT_INDEX, '--data-file', dataFile, '--image-root', GALLERY_ROOT, '--indexes-dir', indexesDir, '--mirror', ASSETS_DIR],
    path.join(indexesDir, 'build.log'),
  )
}
