/**
 * `ppserve index build | append | remove | info` as a user runs them, on drink gallery images: bad
 * lines are reported by line number and skipped (fatal with --strict, before anything is
 * written), append is one generation, remove works by id, by label and by data file, and an
 * existing index is refused unless --force, which swaps a new one in.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { lockFileOf } from '../../src/retrieval/folder-lock.js'
import { RecognitionGallery } from '../../src/tasks/recognition/gallery.js'
import { createIndexCliEnv, galleryLines, GALLERY_ROOT, indexCliSkip, parseInfo, type IndexCliEnv } from './helpers/index-cli.js'

describe('ppserve index build / append / remove / info', { skip: indexCliSkip, timeout: 180_000 }, () => {
  let env: IndexCliEnv
  const lines = indexCliSkip ? [] : galleryLines()
  before(() => {
    env = createIndexCliEnv('index-cli')
  })
  after(() => env?.remove())

  const info = async (name: string) => parseInfo(await env.index(['info', '--name', name, '--json']))
  const openInfo = async (name: string) => (await RecognitionGallery.open(path.join(env.indexesDir, name))).info()

  it('build indexes the good lines and names the bad ones by line number', async () => {
    const data = env.dataFile('build.txt', [
      ...lines.slice(0, 30),
      'no-tab-on-this-line.jpg',
      '0/does-not-exist.jpg\t脉动',
      '../../../etc/hostname\t越界',
    ])
    const run = await env.index(['build', '--name', 'drinks', '--data-file', data, '--image-root', GALLERY_ROOT])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /30 indexed, 3 line\(s\) skipped: 31, 32, 33/)
    assert.match(run.stdout, /1280-d, not whitened/)
    assert.match(run.stdout, /Flat, IP/)
    assert.match(run.stderr, /build\.txt:31: expected "path<TAB>label"/)
    assert.match(run.stderr, /build\.txt:32: image .*does-not-exist\.jpg does not exist/)
    assert.match(run.stderr, /build\.txt:33: image path .* leaves the image root/)
    assert.match(run.stderr, /embedding build\.txt {2}\d+\/32/, 'a progress line')
    const built = await info('drinks')
    assert.equal(built.size, 30)
    assert.equal(built.ntotal, 30)
    assert.equal(built.generation, 1)
    assert.equal(built.model, 'mobilenet_v2_gem_features')
    const labels: Record<string, number> = {}
    for (const line of lines.slice(0, 30)) labels[line.split('\t')[1]!] = (labels[line.split('\t')[1]!] ?? 0) + 1
    assert.deepEqual(built.labels, labels)
    // Built beside and moved in: nothing but the index is left in the indexes folder.
    assert.deepEqual(readdirSync(env.indexesDir), ['drinks'])
  })

  it('--strict makes a bad line fatal and writes nothing; an existing index is refused without --force', async () => {
    const data = env.dataFile('strict.txt', [...lines.slice(0, 5), '0/missing.jpg\t脉动'])
    const strict = await env.index(['build', '--name', 'strict', '--data-file', data, '--image-root', GALLERY_ROOT, '--strict'])
    assert.equal(strict.code, 1)
    assert.match(strict.stderr, /line 6: image .*missing\.jpg does not exist/)
    assert.equal(strict.stderr.trim().split('\n').filter((l) => l.startsWith('ppserve:')).length, 1, 'one error line')
    assert.equal(existsSync(path.join(env.indexesDir, 'strict')), false)

    const again = await env.index(['build', '--name', 'drinks', '--data-file', data, '--image-root', GALLERY_ROOT])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already exists.*--force/)
    assert.equal((await openInfo('drinks')).size, 30, 'the refused build left the index alone')
  })

  it('append adds one generation; remove works by label, by id and by data file', async () => {
    const appended = await env.index(['append', '--name', 'drinks', '--data-file', env.dataFile('append.txt', lines.slice(30, 40)), '--image-root', GALLERY_ROOT])
    assert.equal(appended.code, 0, appended.stderr)
    assert.match(appended.stdout, /10 added \(ids 30–39\)/)
    assert.match(appended.stdout, /30 → 40/)
    const grown = await info('drinks')
    assert.deepEqual([grown.size, grown.ntotal, grown.generation], [40, 40, 2])

    const label = lines[35]!.split('\t')[1]!
    const count = grown.labels[label]!
    const byLabel = await env.index(['remove', '--name', 'drinks', '--label', label, '--label', 'no such label'])
    assert.equal(byLabel.code, 0, byLabel.stderr)
    assert.match(byLabel.stdout, new RegExp(`removed ${count} entr`))
    assert.match(byLabel.stdout, /unmatched +labels "no such label"/)
    const afterLabel = await openInfo('drinks')
    assert.deepEqual([afterLabel.size, afterLabel.generation, afterLabel.labels[label]], [40 - count, 3, undefined])

    const byId = await env.index(['remove', '--name', 'drinks', '--id', '0', '--id', '1', '--id', '999'])
    assert.equal(byId.code, 0, byId.stderr)
    assert.match(byId.stdout, /removed 2 entries/)
    assert.match(byId.stdout, /unmatched +ids 999/)

    const removeFile = env.dataFile('remove.txt', [lines[2]!, lines[3]!, `${lines[4]!.split('\t')[0]}\tanother label`])
    const byFile = await env.index(['remove', '--name', 'drinks', '--data-file', removeFile])
    assert.equal(byFile.code, 0, byFile.stderr)
    assert.match(byFile.stdout, /removed 2 entries/)
    assert.match(byFile.stdout, /unmatched +data-file lines 3/, 'path and label must both match')
    const final = await info('drinks')
    assert.deepEqual([final.size, final.generation], [40 - count - 4, 5])

    const nothing = await env.index(['remove', '--name', 'drinks', '--id', '0'])
    assert.equal(nothing.code, 1)
    assert.match(nothing.stderr, /^ppserve: nothing to remove: no entry of index drinks matches ids 0\n$/)
  })

  it('append embeds its images before it takes the lock, so a writer holding it meanwhile is not kept waiting', async () => {
    const lockFile = lockFileOf(path.join(env.indexesDir, 'drinks'))
    writeFileSync(lockFile, `${process.pid} ${hostname()}\n`) // a live holder: a server replica mid-change
    const run = await env.index(['append', '--name', 'drinks', '--data-file', env.dataFile('behind-lock.txt', lines.slice(40, 44)), '--image-root', GALLERY_ROOT], (child) => {
      let seen = ''
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString()
        if (seen.includes('waiting for index drinks')) rmSync(lockFile, { force: true }) // the holder finishes
      })
    })
    rmSync(lockFile, { force: true })
    assert.equal(run.code, 0, run.stderr)
    const embedding = run.stderr.indexOf('embedding the images')
    const waiting = run.stderr.indexOf('waiting for index drinks')
    assert.ok(embedding >= 0 && waiting > embedding, `embedding first, then the wait for the lock:\n${run.stderr}`)
    assert.match(run.stdout, /4 added/)
  })

  it('build --force replaces an index, built beside it and swapped in', async () => {
    const forced = await env.index(['build', '--name', 'drinks', '--force', '--method', 'HNSW', '--data-file', env.dataFile('three.txt', lines.slice(40, 43)), '--image-root', GALLERY_ROOT])
    assert.equal(forced.code, 0, forced.stderr)
    const replaced = await openInfo('drinks')
    assert.deepEqual([replaced.size, replaced.method, replaced.generation], [3, 'HNSW', 1])
    assert.deepEqual(readdirSync(env.indexesDir), ['drinks'], 'no build, replaced or lock file left beside')
  })

  it('command-line mistakes exit 2 and point to --help; each sub-command has its own help', async () => {
    const missing = await env.index(['append', '--name', 'drinks', '--image-root', GALLERY_ROOT])
    assert.deepEqual([missing.code, missing.stderr], [2, 'ppserve index append: --data-file is required (see npx ppserve index append --help)\n'])
    const unknown = await env.index(['frobnicate'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /unknown index sub-command "frobnicate"/)
    const help = await env.index(['remove', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^usage: ppserve index remove --name NAME \(--id ID\.\.\. \| --label LABEL\.\.\. \| --data-file FILE\)/)
  })
})
