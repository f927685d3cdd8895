import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { archiveKind, extractArchive } from '../../src/runtime/pull/extract.js'
import { rawTar, type RawEntry } from './helpers/raw-tar.js'

let root: string
let count = 0
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-extract-'))
})
after(() => rmSync(root, { recursive: true, force: true }))

/** Writes the archive and a fresh extraction folder `<case>/out` (so `..` lands in `<case>`). */
function setup(bytes: Buffer): { file: string; out: string; base: string } {
  const base = path.join(root, `case-${(count += 1)}`)
  const out = path.join(base, 'out')
  mkdirSync(out, { recursive: true })
  const file = path.join(base, 'archive')
  writeFileSync(file, bytes)
  return { file, out, base }
}

const good: RawEntry[] = [
  { name: 'model_infer/', type: '5' },
  { name: 'model_infer/inference.pdmodel', body: 'program' },
]

describe('archive extraction', () => {
  test('tar and tar.gz are recognised by their bytes and extracted', async () => {
    for (const bytes of [rawTar(good), gzipSync(rawTar(good))]) {
      const { file, out } = setup(bytes)
      assert.equal(await archiveKind(file), bytes[0] === 0x1f ? 'tar.gz' : 'tar')
      assert.equal(await extractArchive(file, out, 'test'), 2)
      assert.equal(readFileSync(path.join(out, 'model_infer/inference.pdmodel'), 'utf8'), 'program')
    }
  })

  test('an entry with ../ is refused and nothing lands outside the folder', async () => {
    const { file, out, base } = setup(rawTar([...good, { name: '../evil.txt', body: 'x' }]))
    await assert.rejects(extractArchive(file, out, 'model m source'), /model m source: refusing archive: entry \.\.\/evil\.txt leaves the extraction folder/)
    assert.equal(existsSync(path.join(base, 'evil.txt')), false)
  })

  test('an absolute path and a link pointing out are refused', async () => {
    const absolute = setup(rawTar([{ name: `${root}/absolute.txt`, body: 'x' }]))
    await assert.rejects(extractArchive(absolute.file, absolute.out, 'test'), /entry .*absolute\.txt leaves the extraction folder/)
    assert.equal(existsSync(path.join(root, 'absolute.txt')), false)
    const link = setup(rawTar([{ name: 'escape', type: '2', linkname: '../../..' }, { name: 'escape/pwned.txt', body: 'x' }]))
    await assert.rejects(extractArchive(link.file, link.out, 'test'), /link escape → \.\.\/\.\.\/\.\. points outside the extraction folder/)
  })

  test('zip archives and other files are refused by name', async () => {
    const zip = setup(Buffer.from('PK\x03\x04rest of a zip', 'latin1'))
    await assert.rejects(extractArchive(zip.file, zip.out, 'test'), /archive is a zip archive; only \.tar and \.tar\.gz are supported/)
    const text = setup(Buffer.from('just text'))
    await assert.rejects(extractArchive(text.file, text.out, 'test'), /archive is neither a tar nor a gzip-compressed tar archive/)
  })
})
