import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, it } from 'node:test'
import { checkFaissAddon } from '../../src/install/faiss-addon-check.js'
import { bindingGyp, COMPAT_HEADER, LEAK_FIXES, patchedFaissSource } from '../../src/install/faiss-build-files.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { needsFaiss } from './helpers/needs-faiss.js'

const SCRIPT = path.join('src', 'install', 'build-faiss-node.ts')

function runInstallStep(env: NodeJS.ProcessEnv = {}) {
  const started = performance.now()
  const result = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, ...env } })
  return { ...result, ms: performance.now() - started }
}

describe('faiss-node install step', () => {
  it('builds against static libfaiss with node-addon-api C++ exceptions for every exception type', () => {
    const gyp = JSON.parse(bindingGyp({ faissNodeDir: '/x/faiss-node', nodeAddonApiDir: '/x/node-addon-api', libFaiss: '/usr/lib/libfaiss.a' }))
    const [target] = gyp.targets
    assert.equal(target.target_name, 'faiss-node')
    assert.deepEqual(target.sources, ['src/faiss_ppserve.cc'])
    assert.ok(target.defines.includes('NODE_ADDON_API_CPP_EXCEPTIONS_ALL'))
    assert.ok(target['cflags_cc!'].includes('-fno-exceptions'))
    assert.deepEqual(target.cflags_cc.slice(-2), ['-include', '/x/faiss-node/faiss_compat.h'])
    assert.deepEqual(target.libraries, ['/usr/lib/libfaiss.a', '-fopenmp', '-lblas', '-llapack'])
    assert.match(COMPAT_HEADER, /namespace faiss \{ using idx_t = int64_t; \}/)
  })

  it('compiles faiss-node 0.5.1 with its toBuffer/fromBuffer leaks fixed, and refuses another source', () => {
    const faissNodeDir = path.dirname(createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('faiss-node/package.json'))
    const patched = patchedFaissSource(readFileSync(path.join(faissNodeDir, 'src', 'faiss.cc'), 'utf8'))
    for (const [from, to] of LEAK_FIXES) {
      assert.ok(!patched.includes(from) && patched.includes(to), to)
    }
    assert.doesNotMatch(patched, /new faiss::VectorIO/)
    assert.match(patched, /InstanceMethod\("searchAsync", &Index::searchAsync\)/)
    assert.match(patched, /class SearchWorker : public Napi::AsyncWorker[\s\S]*class IndexBase[\s\S]*Napi::Value searchAsync\([\s\S]*Napi::Value ntotal\(/)
    assert.throws(() => patchedFaissSource('int main() {}'), /has no "faiss::VectorIOReader \*reader = new/)
  })

  it('says so and succeeds when told to skip (PPSERVE_SKIP_FAISS_BUILD)', () => {
    const result = runInstallStep({ PPSERVE_SKIP_FAISS_BUILD: '1' })
    assert.equal(result.status, 0)
    assert.match(result.stderr, /PPSERVE_SKIP_FAISS_BUILD is set: not building/)
  })

  it('is idempotent: with a working addon it checks it and rebuilds nothing', { skip: needsFaiss }, () => {
    const faissNodeDir = path.dirname(createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('faiss-node/package.json'))
    assert.deepEqual(checkFaissAddon(faissNodeDir), { ok: true })
    const addon = path.join(faissNodeDir, 'build', 'Release', 'faiss-node.node')
    const before = statSync(addon).mtimeMs
    const result = runInstallStep()
    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stderr, /already built and working .*nothing to do/)
    assert.equal(statSync(addon).mtimeMs, before, 'the addon was not rebuilt')
    assert.ok(result.ms < 15_000, `took ${result.ms} ms`)
  })
})
