/**
 * Proves a built faiss-node addon works, in a child process: a broken addon can abort the
 * process that loads it (the reason the check is not done in the install script itself).
 */
import { spawnSync } from 'node:child_process'

/**
 * The child builds a tiny HNSW index, searches it, and then asks faiss for something it refuses
 * (remove_ids on HNSW): that must come back as a JavaScript error. An addon built with the
 * bundled node-addon-api 6 aborts there instead, and then fails this check.
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
`

export type AddonCheck = { ok: true } | { ok: false; reason: string }

export function checkFaissAddon(faissNodeDir: string): AddonCheck {
  const result = spawnSync(process.execPath, ['-e', CHECK_SCRIPT, faissNodeDir], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 60_000,
  })
  if (result.error) return { ok: false, reason: `could not run the check: ${result.error.message}` }
  if (result.signal) return { ok: false, reason: `loading the addon killed the process (${result.signal}): a faiss error aborts instead of throwing` }
  if (result.status !== 0) {
    const lines = result.stderr.trim().split('\n').filter((line) => /Error|error/.test(line))
    return { ok: false, reason: lines[0] ?? `the check exited with ${result.status}` }
  }
  return { ok: true }
}
