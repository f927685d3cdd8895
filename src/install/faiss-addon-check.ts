/**
 * Proves a built faiss-node addon works, in a child process: a broken addon can abort the
 * process that loads it (the reason the check is not done in the install script itself).
 */
import { spawnSync } from 'node:child_process'

/**
 * The child builds a tiny HNSW index, searches it, and then asks faiss for something it refuses
 * (remove_ids on HNSW): that must come back as a JavaScript error. An addon built with the
 * bundled node-addon-api 6 aborts there instead, and then fails this check. Then it copies a 2 MB
 * index 10 times, then 40 more through toBuffer/fromBuffer: an addon built from the unpatched
 * source leaks 4 MB a copy (./faiss-build-files.ts LEAK_FIXES), fails, and is rebuilt; a fixed one
 * keeps 0–4 MB. Last, searchAsync (./faiss-async-search.ts) must give the synchronous search's
 * answer: an addon built before it existed fails and is rebuilt.
 */
const CHECK_SCRIPT = `
const faiss = require(process.argv[1])
const index = faiss.Index.fromFactory(4, 'HNSW32', faiss.MetricType.METRIC_INNER_PRODUCT)
index.add([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
const hit = index.search([0, 1, 0, 0], 1)
if (index.ntotal() !== 3 || hit.labels[0] !== 1) throw new Error('wrong search result ' + JSON.stringify(hit))
let refused = false
try { index.removeIds([0]) } catch { refused = true }
if (!refused) throw new Error('remove_ids on HNSW did not throw')
const flat = faiss.Index.fromFactory(256, 'Flat', faiss.MetricType.METRIC_INNER_PRODUCT)
flat.add(Array.from({ length: 2000 * 256 }, (_, i) => (i % 7) / 7))
let copy = flat
// Buffers' finalizers run on a later turn: each copy waits one, or freed memory looks kept.
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))
const copies = async (n) => { for (let i = 0; i < n; i++) { copy = faiss.Index.fromBuffer(copy.toBuffer()); global.gc(); await tick() } }
;(async () => {
  await copies(10) // the allocator's own pools grow at first, leak or not
  const before = process.memoryUsage().rss
  await copies(40)
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20
  if (copy.ntotal() !== 2000) throw new Error('a copied index has ' + copy.ntotal() + ' vectors')
  if (grownMb > 64) throw new Error('toBuffer/fromBuffer leak: 40 copies of a 2 MB index kept ' + grownMb.toFixed(0) + ' MB')
  if (typeof index.searchAsync !== 'function') throw new Error('the addon has no searchAsync (built before ppserve added it)')
  const async = await index.searchAsync(new Float32Array([0, 1, 0, 0, 0, 0, 1, 0]), 2)
  const sync = index.search([0, 1, 0, 0, 0, 0, 1, 0], 2)
  if (String([...async.labels]) !== String(sync.labels) || String([...async.distances]) !== String(sync.distances)) {
    throw new Error('searchAsync answered ' + JSON.stringify([...async.labels]) + ', search ' + JSON.stringify(sync.labels))
  }
})().catch((error) => { console.error(String(error)); process.exit(1) })
`

export type AddonCheck = { ok: true } | { ok: false; reason: string }

export function checkFaissAddon(faissNodeDir: string): AddonCheck {
  const result = spawnSync(process.execPath, ['--expose-gc', '-e', CHECK_SCRIPT, faissNodeDir], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 60_000,
  })
  if (result.error) return { ok: false, reason: `could not run the check: ${result.error.message}` }
  if (result.signal) return { ok: false, reason: `loading the addon killed the process (${result.signal}): a faiss error aborts instead of throwing` }
  if (result.status !== 0) {
    // Node prints the throwing source line first, then "Error: <message>".
    const lines = result.stderr.trim().split('\n')
    const reason = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.find((line) => /Error|error/.test(line))
    return { ok: false, reason: reason ?? `the check exited with ${result.status}` }
  }
  return { ok: true }
}
