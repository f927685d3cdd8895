/**
 * The npm packaging a fresh clone relies on: `npm install` builds dist/ and the bin runs it
 * without tsx, and no dependency's download script runs (.ci/run proves it end to end).
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import { PROJECT_ROOT } from '../../src/install/install-status.js'

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8')
const pkg = JSON.parse(read('package.json')) as {
  bin: Record<string, string>
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  allowScripts: Record<string, boolean>
}
const build = JSON.parse(read('src/tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } }

describe('package.json', () => {
  test('denies the install scripts that download from GitHub (npm allowScripts, not a .npmrc key)', () => {
    assert.equal(pkg.allowScripts['onnxruntime-node'], false)
    assert.equal(pkg.allowScripts['faiss-node'], false)
    const npmrc = existsSync(path.join(PROJECT_ROOT, '.npmrc')) ? read('.npmrc') : ''
    assert.doesNotMatch(npmrc, /onnxruntime-node-install/)
  })

  test('tsx is a development dependency, and what npm install, start and the bin run is compiled', () => {
    assert.equal(pkg.dependencies.tsx, undefined)
    assert.ok(pkg.devDependencies.tsx)
    for (const name of ['start', 'prepare', 'build', 'build:faiss']) assert.doesNotMatch(pkg.scripts[name]!, /tsx|\.ts\b/, name)
    assert.equal(pkg.scripts.postinstall, undefined, 'postinstall runs before prepare builds dist/')
  })

  test('the ppserve bin is the compiled src/cli/main.ts, which keeps its shebang', () => {
    // Its paths are relative to src/, where it lives (the project's top level is fixed).
    const rootDir = path.join('src', build.compilerOptions.rootDir)
    const outDir = path.join('src', build.compilerOptions.outDir)
    assert.equal(pkg.bin.ppserve, `${outDir}/cli/main.js`)
    assert.match(read(`${rootDir}/cli/main.ts`), /^#!\/usr\/bin\/env node\n/)
  })
})
