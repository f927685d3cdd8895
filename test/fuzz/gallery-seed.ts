/**
 * The fuzz server's default gallery, made without any asset: a dozen PNGs of coloured 7×7 block
 * patterns (one per label, distinct enough that the fake features tell them apart) and the
 * PaddleClas data file the server builds the index from on start (build_missing).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'

/** The gallery /recognize searches unless told otherwise, built from these items on start. */
export const DEFAULT_INDEX = 'drink'

export const SEED_LABELS = ['康师傅矿物质水', '脉动', '农夫山泉', 'Coca-Cola 330ml', 'Red Bull', 'agua con gás', 'Ｆａｎｔａ', 'چای سبز', 'Sprite Zero', 'ビール', 'kvass', 'Lipton Ice Tea']

export interface SeedItem {
  readonly label: string
  readonly png: Uint8Array
}

const BLOCK = 16
const GRID = 7

/** A 112×112 PNG of 7×7 coloured blocks drawn from a PRNG seeded by `i`. */
export async function blockPattern(i: number): Promise<Uint8Array> {
  let state = 2654435761 * (i + 1)
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state >>> 24
  }
  const size = BLOCK * GRID
  const pixels = Buffer.alloc(size * size * 3)
  for (let by = 0; by < GRID; by++) {
    for (let bx = 0; bx < GRID; bx++) {
      const rgb = [next(), next(), next()]
      for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
        for (let x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) pixels.set(rgb, (y * size + x) * 3)
      }
    }
  }
  return new Uint8Array(await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer())
}

/** The seed items, in data-file order (item i gets gallery id i). */
export function seedItems(): Promise<SeedItem[]> {
  return Promise.all(SEED_LABELS.map(async (label, i) => ({ label, png: await blockPattern(i) })))
}

/** Writes the images and `data.txt` under `dir`; returns the data file and image root for build_missing. */
export async function writeSeedGallery(dir: string, items: readonly SeedItem[]): Promise<{ data_file: string; image_root: string }> {
  await mkdir(dir, { recursive: true })
  await Promise.all(items.map((item, i) => writeFile(path.join(dir, `item_${i}.png`), item.png)))
  const dataFile = path.join(dir, 'data.txt')
  await writeFile(dataFile, items.map((item, i) => `item_${i}.png\t${item.label}`).join('\n') + '\n')
  return { data_file: dataFile, image_root: dir }
}
