/**
 * Image bodies for the fuzz suite: small real images (a COCO photo from ../shared/assets, or a
 * synthetic one without it) in JPEG, PNG, WebP, TIFF and GIF, and fast-check arbitraries that
 * mutate them: truncation, bit flips, header dimensions patched in place (JPEG SOF, PNG IHDR with
 * its CRC fixed, GIF screen and frame, WebP VP8/VP8X, TIFF IFD), a format's magic bytes before
 * random ones, and bomb-shaped PNGs claiming huge sizes.
 */
import { existsSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import fc from 'fast-check'
import sharp from 'sharp'
import { pngClaiming, smallJpeg } from '../helpers/bad-images.js'
import { asset } from '../helpers/shared-assets.js'

export type Format = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif'
export const FORMATS: readonly Format[] = ['jpeg', 'png', 'webp', 'tiff', 'gif']

export interface Seed {
  readonly format: Format
  readonly bytes: Uint8Array
}

const PHOTO = asset('images/coco/000000087038.jpg')

/** Each format at two sizes (one ordinary, one a thin strip) from the real photo. */
export async function seedImages(): Promise<Seed[]> {
  const source = existsSync(PHOTO) ? await sharp(PHOTO).resize(160, 120).toBuffer() : Buffer.from(await smallJpeg(160, 120))
  const seeds: Seed[] = []
  for (const format of FORMATS) {
    for (const [width, height] of [[96, 72], [240, 6]] as const) {
      const bytes = await sharp(source).resize(width, height, { fit: 'fill' }).toFormat(format).toBuffer()
      seeds.push({ format, bytes: new Uint8Array(bytes) })
    }
  }
  return seeds
}

const u16be = (b: Buffer, at: number, v: number) => at + 2 <= b.length && b.writeUInt16BE(v & 0xffff, at)
const u16le = (b: Buffer, at: number, v: number) => at + 2 <= b.length && b.writeUInt16LE(v & 0xffff, at)

function patchJpeg(b: Buffer, w: number, h: number): void {
  for (let i = 2; i + 9 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1]! >= 0xc0 && b[i + 1]! <= 0xc2) {
      u16be(b, i + 5, h)
      u16be(b, i + 7, w)
      return
    }
  }
}

function patchPng(b: Buffer, w: number, h: number): void {
  if (b.length < 33) return
  b.writeUInt32BE(w >>> 0, 16)
  b.writeUInt32BE(h >>> 0, 20)
  b.writeUInt32BE(crc32(b.subarray(12, 29)) >>> 0, 29) // a valid CRC, so the claim is believed
}

function patchGif(b: Buffer, w: number, h: number): void {
  u16le(b, 6, w)
  u16le(b, 8, h)
  let at = 13 + ((b[10] ?? 0) & 0x80 ? 3 * 2 ** (((b[10] ?? 0) & 7) + 1) : 0)
  while (at < b.length && b[at] === 0x21) {
    at += 2
    while (at < b.length && b[at] !== 0) at += b[at]! + 1
    at++
  }
  if (b[at] === 0x2c) {
    u16le(b, at + 5, w)
    u16le(b, at + 7, h)
  }
}

function patchWebp(b: Buffer, w: number, h: number): void {
  const chunk = b.toString('latin1', 12, 16)
  if (chunk === 'VP8 ') {
    u16le(b, 26, w & 0x3fff)
    u16le(b, 28, h & 0x3fff)
  } else if (chunk === 'VP8X' && b.length >= 30) {
    b.writeUIntLE(Math.max(0, w - 1) & 0xffffff, 24, 3)
    b.writeUIntLE(Math.max(0, h - 1) & 0xffffff, 27, 3)
  }
}

function patchTiff(b: Buffer, w: number, h: number): void {
  if (b.length < 8) return
  const le = b[0] === 0x49
  const r16 = (at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at))
  const ifd = le ? b.readUInt32LE(4) : b.readUInt32BE(4)
  if (ifd + 2 > b.length) return
  for (let i = 0, n = r16(ifd); i < n; i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > b.length) return
    const tag = r16(entry)
    if (tag !== 256 && tag !== 257) continue
    const value = tag === 256 ? w : h
    if (r16(entry + 2) === 3) (le ? b.writeUInt16LE(value & 0xffff, entry + 8) : b.writeUInt16BE(value & 0xffff, entry + 8))
    else le ? b.writeUInt32LE(value >>> 0, entry + 8) : b.writeUInt32BE(value >>> 0, entry + 8)
  }
}

const PATCH: Record<Format, (b: Buffer, w: number, h: number) => void> = { jpeg: patchJpeg, png: patchPng, webp: patchWebp, tiff: patchTiff, gif: patchGif }

export type Mutation =
  | { readonly op: 'none' }
  | { readonly op: 'truncate'; readonly keep: number }
  | { readonly op: 'flip'; readonly bits: ReadonlyArray<readonly [number, number]> }
  | { readonly op: 'dims'; readonly width: number; readonly height: number }
  | { readonly op: 'dims+truncate'; readonly width: number; readonly height: number; readonly keep: number }

export function mutate(seed: Seed, mutation: Mutation): Uint8Array {
  const b = Buffer.from(seed.bytes)
  switch (mutation.op) {
    case 'none':
      return new Uint8Array(b)
    case 'truncate':
      return new Uint8Array(b.subarray(0, Math.floor(b.length * mutation.keep)))
    case 'flip':
      for (const [at, bit] of mutation.bits) b[Math.floor(at * b.length) % b.length]! ^= 1 << bit
      return new Uint8Array(b)
    case 'dims':
    case 'dims+truncate':
      PATCH[seed.format](b, mutation.width, mutation.height)
      return new Uint8Array(mutation.op === 'dims' ? b : b.subarray(0, Math.floor(b.length * mutation.keep)))
  }
}

/** Side lengths worth claiming: degenerate, the 4 px minimum's edges, the 40M-pixel limit's, format maxima. */
const side = fc.oneof(fc.constantFrom(0, 1, 3, 4, 5, 32, 959, 961, 4096, 6000, 6324, 6325, 16383, 65535), fc.integer({ min: 0, max: 65535 }))
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), keep: fraction }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), bits: fc.array(fc.tuple(fraction, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('dims' as const), width: side, height: side }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dims+truncate' as const), width: side, height: side, keep: fraction }) },
)

const MAGIC: Record<Format, number[]> = {
  jpeg: [0xff, 0xd8, 0xff],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  webp: [...Buffer.from('RIFF\0\0\0\0WEBPVP8 ')],
  tiff: [0x49, 0x49, 0x2a, 0x00],
  gif: [...Buffer.from('GIF89a')],
}

export interface ImageCase {
  readonly what: string
  readonly bytes: Uint8Array
}

/** A mutated image (or random bytes, magic + random, a bomb-shaped PNG) and how it was made. */
export function imageArb(seeds: readonly Seed[]): fc.Arbitrary<ImageCase> {
  const mutated = fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), mutationArb).map(([i, m]) => ({ what: `${seeds[i]!.format}#${i} ${JSON.stringify(m)}`, bytes: mutate(seeds[i]!, m) }))
  const random = fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ what: 'random bytes', bytes }))
  const magic = fc
    .tuple(fc.constantFrom(...FORMATS), fc.uint8Array({ maxLength: 256 }))
    .map(([format, rest]) => ({ what: `${format} magic + random`, bytes: new Uint8Array([...MAGIC[format], ...rest]) }))
  const bomb = fc.tuple(side, side).map(([w, h]) => ({ what: `pngClaiming(${w}, ${h})`, bytes: pngClaiming(w, h) }))
  return fc.oneof({ weight: 8, arbitrary: mutated }, { weight: 1, arbitrary: random }, { weight: 1, arbitrary: magic }, { weight: 1, arbitrary: bomb })
}
