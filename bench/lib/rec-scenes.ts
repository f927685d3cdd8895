/**
 * Synthetic shelf scenes for the recognition benchmark, reproducible from a seed: held-out
 * gallery images pasted onto the COCO photos and onto generated plain shelf-like backgrounds,
 * 1–5 per scene, at 15–60 % of the scene's short side, with brightness/contrast/saturation
 * jitter, sometimes partly covered by a rectangle or by a later product. The ground truth is the
 * pasted rectangle (the whole product, also where it is covered). Also the negatives: the COCO
 * photos, seeded crops of them, and the empty backgrounds.
 */
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp, { type OverlayOptions } from 'sharp'
import type { DataFileItem } from '../../src/retrieval/data-file.js'
import { boxIou, type Box } from '../../src/tasks/detection/nms.js'
import { seededRandom } from '../../src/util/seeded-random.js'
import { COCO_DIR, GALLERY_ROOT, HELDOUT_INDEX, type BenchImage, type GtObject } from './rec-dataset.js'

const SCENE_LONG_SIDE = 640
const SHELVES = 3
const CROPS_PER_COCO = 4

type Random = () => number
const between = (random: Random, lo: number, hi: number): number => lo + random() * (hi - lo)
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!

interface Background {
  readonly name: string
  readonly png: Buffer
  readonly width: number
  readonly height: number
}

/** A plain wall with 2–3 shelf boards, in muted colours: what a product photo is often taken on. */
function shelfSvg(random: Random, width: number, height: number): string {
  const hue = Math.floor(between(random, 20, 220))
  const wall = `hsl(${hue},${Math.floor(between(random, 5, 25))}%,${Math.floor(between(random, 60, 88))}%)`
  const board = `hsl(${Math.floor(between(random, 20, 40))},${Math.floor(between(random, 20, 45))}%,${Math.floor(between(random, 30, 55))}%)`
  const boards = 2 + Math.floor(random() * 2)
  let rects = ''
  for (let i = 1; i <= boards; i++) {
    const y = Math.round((i * height) / (boards + 0.5))
    rects += `<rect x="0" y="${y}" width="${width}" height="${Math.round(height * 0.04)}" fill="${board}"/>`
    rects += `<rect x="0" y="${y + Math.round(height * 0.04)}" width="${width}" height="${Math.round(height * 0.015)}" fill="black" opacity="0.25"/>`
  }
  return `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="${wall}"/>${rects}</svg>`
}

async function backgrounds(random: Random): Promise<Background[]> {
  const out: Background[] = []
  for (const file of (await readdir(COCO_DIR)).filter((f) => /\.jpe?g$/i.test(f)).sort()) {
    const { data, info } = await sharp(path.join(COCO_DIR, file)).rotate().resize({ width: SCENE_LONG_SIDE, height: SCENE_LONG_SIDE, fit: 'inside' }).png().toBuffer({ resolveWithObject: true })
    out.push({ name: `coco-${path.parse(file).name}`, png: data, width: info.width, height: info.height })
  }
  for (let i = 0; i < SHELVES; i++) {
    const png = await sharp(Buffer.from(shelfSvg(random, SCENE_LONG_SIDE, 480))).png().toBuffer()
    out.push({ name: `shelf-${i}`, png, width: SCENE_LONG_SIDE, height: 480 })
  }
  return out
}

/** A position for a w×h product that hides at most 40 % of any earlier one, or undefined. */
function place(random: Random, bg: Background, w: number, h: number, placed: readonly Box[]): Box | undefined {
  for (let attempt = 0; attempt < 30; attempt++) {
    const x = Math.floor(random() * (bg.width - w + 1))
    const y = Math.floor(random() * (bg.height - h + 1))
    const box: Box = [x, y, x + w, y + h]
    const covers = (other: Box): number => {
      const iw = Math.min(box[2], other[2]) - Math.max(box[0], other[0])
      const ih = Math.min(box[3], other[3]) - Math.max(box[1], other[1])
      return iw > 0 && ih > 0 ? (iw * ih) / ((other[2] - other[0]) * (other[3] - other[1])) : 0
    }
    if (placed.every((other) => covers(other) <= 0.4 && boxIou(box, other) <= 0.3)) return box
  }
  return undefined
}

async function product(random: Random, item: DataFileItem, bg: Background): Promise<{ png: Buffer; w: number; h: number }> {
  // Flat borders (packshots on white) are cut off, so the ground truth hugs the product more.
  const source = path.join(GALLERY_ROOT, item.path)
  const { data: file, info } = await sharp(source).rotate().trim({ threshold: 20 }).png().toBuffer({ resolveWithObject: true })
    .catch(() => sharp(source).rotate().png().toBuffer({ resolveWithObject: true }))
  const [iw, ih] = [info.width, info.height]
  const long = between(random, 0.15, 0.6) * Math.min(bg.width, bg.height)
  const scale = long / Math.max(iw, ih)
  const w = Math.max(8, Math.round(iw * scale))
  const h = Math.max(8, Math.round(ih * scale))
  const contrast = between(random, 0.7, 1.3)
  const brightness = between(random, -35, 35)
  let image = sharp(file).resize(w, h, { fit: 'fill' }).removeAlpha().modulate({ saturation: between(random, 0.75, 1.25) }).linear(contrast, brightness - 128 * (contrast - 1))
  if (random() < 0.3) {
    // A box in front of the product: a strip along one side covering 15–35 % of it.
    const part = between(random, 0.15, 0.35)
    const side = Math.floor(random() * 4)
    const [rw, rh] = side < 2 ? [Math.max(1, Math.round(w * part)), h] : [w, Math.max(1, Math.round(h * part))]
    const color = { r: Math.floor(random() * 256), g: Math.floor(random() * 256), b: Math.floor(random() * 256) }
    const rect = await sharp({ create: { width: rw, height: rh, channels: 3, background: color } }).png().toBuffer()
    image = sharp(await image.png().toBuffer()).composite([{ input: rect, left: side === 1 ? w - rw : 0, top: side === 3 ? h - rh : 0 }])
  }
  return { png: await image.png().toBuffer(), w, h }
}

export async function generateScenes(dir: string, heldOut: readonly DataFileItem[], count: number, seed: number, onScene?: (done: number) => void): Promise<BenchImage[]> {
  const random = seededRandom(seed)
  const bgs = await backgrounds(random)
  const scenes: BenchImage[] = []
  for (let s = 0; s < count; s++) {
    const bg = pick(random, bgs)
    const wanted = 1 + Math.floor(random() * 5)
    const items = new Set<DataFileItem>()
    while (items.size < wanted) items.add(pick(random, heldOut))
    const layers: OverlayOptions[] = []
    const objects: GtObject[] = []
    for (const item of items) {
      const { png, w, h } = await product(random, item, bg)
      const box = place(random, bg, w, h, objects.map((o) => o.box))
      if (!box) continue
      layers.push({ input: png, left: box[0], top: box[1] })
      objects.push({ box, label: item.label })
    }
    const file = path.join(dir, `scene-${String(s).padStart(4, '0')}.jpg`)
    await sharp(bg.png).composite(layers).jpeg({ quality: 90 }).toFile(file)
    scenes.push({ name: `${path.basename(file)} (${bg.name})`, file, kind: 'scene', index: HELDOUT_INDEX, width: bg.width, height: bg.height, objects })
    onScene?.(s + 1)
  }
  return scenes
}

/** The COCO photos themselves (kind `coco`), seeded crops of them, and the empty shelves. */
export async function negatives(dir: string, seed: number): Promise<BenchImage[]> {
  const random = seededRandom(seed ^ 0x5eed)
  const out: BenchImage[] = []
  for (const file of (await readdir(COCO_DIR)).filter((f) => /\.jpe?g$/i.test(f)).sort()) {
    const full = path.join(COCO_DIR, file)
    const { width = 0, height = 0 } = await sharp(full).metadata()
    out.push({ name: file, file: full, kind: 'coco', index: undefined, width, height, objects: [] })
    for (let c = 0; c < CROPS_PER_COCO; c++) {
      const w = Math.round(width * between(random, 0.4, 0.8))
      const h = Math.round(height * between(random, 0.4, 0.8))
      const left = Math.floor(random() * (width - w))
      const top = Math.floor(random() * (height - h))
      const crop = path.join(dir, `neg-${path.parse(file).name}-${c}.jpg`)
      await sharp(full).extract({ left, top, width: w, height: h }).jpeg({ quality: 90 }).toFile(crop)
      out.push({ name: path.basename(crop), file: crop, kind: 'negative', index: undefined, width: w, height: h, objects: [] })
    }
  }
  for (const bg of (await backgrounds(seededRandom(seed))).filter((b) => b.name.startsWith('shelf'))) {
    const file = path.join(dir, `neg-${bg.name}.png`)
    await writeFile(file, bg.png)
    out.push({ name: path.basename(file), file, kind: 'negative', index: undefined, width: bg.width, height: bg.height, objects: [] })
  }
  return out
}
