import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { writeSnapshotFiles } from '../../src/retrieval/gallery-files.js'
import { GalleryIndex } from '../../src/retrieval/gallery-index.js'
import { generationDir, readCurrent, switchCurrent, writeGeneration } from '../../src/retrieval/generation-store.js'
import type { IndexMethod } from '../../src/retrieval/vector-index.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { needsFaiss } from './helpers/needs-faiss.js'
import { items, unitVectors, vectorForId } from './helpers/vectors.js'

const DIM = 24
const root = mkdtempSync(path.join(tmpdir(), 'ppserve-crash-'))
after(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
const freshDir = () => path.join(root, `g${++folders}`)
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'append-loop.ts')

/** A gallery at generation 2 with entries 0..2, and the state a crashed writer was committing. */
async function galleryWithPendingChange() {
  const dir = freshDir()
  const gallery = await GalleryIndex.create(dir, { dim: DIM, metric: 'IP', method: 'Flat', model: 'm' })
  await gallery.add(unitVectors(3, DIM, 21), items([0, 1, 2]))
  const { index, idMap } = gallery.snapshot()
  const pending = { generation: 3, model: 'm', index: index.withAdded(unitVectors(2, DIM, 22)), idMap: idMap.withAdded(items([3, 4])).map }
  return { dir, pending }
}

describe('gallery generations under crashes', { skip: needsFaiss }, () => {
  it('a crash after writing a generation but before switching CURRENT leaves the old one', async () => {
    const { dir, pending } = await galleryWithPendingChange()
    await writeGeneration(dir, 3, (genDir) => writeSnapshotFiles(genDir, pending).then(() => undefined))
    // ...and a later, half-written one: a faiss file and nothing else.
    await mkdir(generationDir(dir, 4))
    writeFileSync(path.join(generationDir(dir, 4), 'vector.index'), 'partial')
    writeFileSync(path.join(dir, 'CURRENT.tmp-999'), 'gen-0000') // a switch cut short

    const loaded = await GalleryIndex.open(dir)
    assert.equal(loaded.manifest.generation, 2)
    assert.deepEqual(loaded.entries.map((e) => e.id), [0, 1, 2])
    // The next change replaces the unfinished folders and cleans up everything else.
    await loaded.add(unitVectors(1, DIM, 23), items([9]))
    assert.deepEqual(readdirSync(dir).sort(), ['CURRENT', 'gen-000003'])
    const reopened = await GalleryIndex.open(dir)
    assert.deepEqual(reopened.entries.map((e) => e.id), [0, 1, 2, 3])
  })

  it('a crash after switching CURRENT but before cleaning up leaves the new one', async () => {
    const { dir, pending } = await galleryWithPendingChange()
    await writeGeneration(dir, 3, (genDir) => writeSnapshotFiles(genDir, pending).then(() => undefined))
    await switchCurrent(dir, 3)
    assert.deepEqual(readdirSync(dir).sort(), ['CURRENT', 'gen-000002', 'gen-000003'])
    const loaded = await GalleryIndex.open(dir)
    assert.equal(loaded.manifest.generation, 3)
    assert.deepEqual(loaded.entries.map((e) => e.id), [0, 1, 2, 3, 4])
  })

  for (const method of ['Flat', 'HNSW'] as IndexMethod[]) {
    it(`${method}: SIGKILL at random moments while appending 200 vectors in small commits; every load is one consistent generation`, async (t) => {
      const dir = freshDir()
      let killedMidway = 0
      let lastCount = 0
      for (let round = 1; round <= 6 && lastCount < 200; round++) {
        // Killed a random few milliseconds after a random commit, so that the kill lands inside
        // some later commit's write, switch or clean-up, however fast the machine is.
        const after = { commits: 1 + Math.floor(Math.random() * 25), ms: Math.random() * 8 }
        const run = await runAndKill(dir, method, round, after)
        if (!run.finished) killedMidway++
        const gallery = await GalleryIndex.open(dir)
        const { count, generation } = gallery.manifest
        t.diagnostic(`round ${round}: killed ${after.ms.toFixed(1)} ms after commit ${after.commits}, last printed ${JSON.stringify(run.last)}, loaded generation ${generation} with ${count}; folder ${readdirSync(dir).join(' ')}`)
        await assertConsistent(gallery, method)
        assert.ok(count >= lastCount, 'a committed change never goes back')
        if (run.last) {
          // The kill may land after the switch but before the child printed it: one generation more.
          assert.ok(generation === run.last.generation || generation === run.last.generation + 1, `generation ${generation} after ${run.last.generation}`)
        }
        lastCount = count
      }
      assert.ok(killedMidway >= 1, 'no kill landed while the child was still appending')
    })
  }
})

interface Run {
  finished: boolean
  last: { generation: number; count: number } | null
}

/** Starts the append loop, SIGKILLs it `after.ms` after its `after.commits`-th commit, and reports what it printed. */
function runAndKill(dir: string, method: IndexMethod, seed: number, after: { commits: number; ms: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, '200', method, String(seed), String(DIM)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const run: Run = { finished: false, last: null }
    let commits = 0
    let buffered = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) {
        if (line === 'done') run.finished = true
        const match = /^committed (\d+) (\d+)$/.exec(line)
        if (!match) continue
        run.last = { generation: Number(match[1]), count: Number(match[2]) }
        if (++commits === after.commits) setTimeout(() => child.kill('SIGKILL'), after.ms)
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(run)
      else reject(new Error(`append loop exited with ${code ?? signal} before it was killed`))
    })
  })
}

async function assertConsistent(gallery: GalleryIndex, method: IndexMethod): Promise<void> {
  const { manifest } = gallery
  const { index } = gallery.snapshot()
  assert.equal(await readCurrent(gallery.dir), manifest.generation)
  assert.equal(index.size, manifest.count)
  assert.equal(index.nativeCount(), manifest.count)
  const ids = gallery.entries.map((e) => e.id)
  assert.deepEqual(ids, Array.from({ length: manifest.count }, (_, i) => i), 'append-only: ids 0..n-1 in order')
  gallery.entries.forEach((entry, position) => {
    assert.equal(entry.label, `item-${entry.id}`)
    assert.deepEqual(index.vectors.subarray(position * DIM, (position + 1) * DIM), vectorForId(entry.id, DIM), `vector of id ${entry.id}`)
  })
  if (manifest.count === 0) return
  const hits = await gallery.search(index.vectors, 1)
  const self = hits.filter((h, position) => h[0]!.id === gallery.entries[position]!.id).length
  // Flat is exact; HNSW is approximate, so allow a rare miss.
  assert.ok(method === 'Flat' ? self === manifest.count : self >= 0.97 * manifest.count, `${self}/${manifest.count} vectors found their own id`)
}
