import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findInMirror, mirrorCandidates, mirrorFromEnv } from '../../src/runtime/pull/mirror.js'
import { treeHash } from '../../src/runtime/pull/tree-hash.js'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

let root: string
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-tree-'))
  mkdirSync(path.join(root, 'model', 'sub'), { recursive: true })
  writeFileSync(path.join(root, 'model', '__model__'), 'program')
  writeFileSync(path.join(root, 'model', 'b_weights'), 'bb')
  writeFileSync(path.join(root, 'model', 'sub', 'a'), 'aa')
})
after(() => rmSync(root, { recursive: true, force: true }))

describe('tree hash and mirror lookup', () => {
  test('the tree hash is sha256 of "<sha256>  <path>" lines sorted by relative path (sha256sum format)', async () => {
    const listing = [`${sha('program')}  __model__\n`, `${sha('bb')}  b_weights\n`, `${sha('aa')}  sub/a\n`].join('')
    assert.deepEqual(await treeHash(path.join(root, 'model')), { sha256: sha(listing), files: 3 })
  })

  test('a mirror file is found at mirror_path, else at the URL base name; a miss names the paths tried', () => {
    const mirror = root
    assert.equal(findInMirror(mirror, { mirror_path: 'model', url: 'https://x.org/a/b.tar' }, 'm'), path.join(root, 'model'))
    writeFileSync(path.join(root, 'b.tar'), '')
    assert.equal(findInMirror(mirror, { mirror_path: 'nope/b.tar', url: 'https://x.org/a/b.tar' }, 'm'), path.join(root, 'b.tar'))
    assert.throws(
      () => findInMirror(mirror, { mirror_path: 'nope/c.tar', url: 'https://x.org/c%20d.tar' }, 'model m source'),
      new RegExp(`model m source: not in the mirror ${root} \\(tried ${path.join(root, 'nope/c.tar')}, ${path.join(root, 'c d.tar')}\\)`),
    )
    assert.throws(() => mirrorCandidates(mirror, { mirror_path: '../outside' }, 'm'), /mirror_path "\.\.\/outside" leaves the mirror folder/)
    assert.throws(() => findInMirror(path.join(root, 'absent'), { url: 'https://x.org/b.tar' }, 'm'), /the mirror folder .*absent does not exist/)
  })

  test('PPSERVE_MIRROR is the default mirror; blank means none', () => {
    assert.equal(mirrorFromEnv({ PPSERVE_MIRROR: ' /srv/mirror ' }), '/srv/mirror')
    assert.equal(mirrorFromEnv({ PPSERVE_MIRROR: '' }), undefined)
    assert.equal(mirrorFromEnv({}), undefined)
  })
})
