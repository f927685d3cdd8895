/**
 * `npm install` step (package.json "postinstall"; `npm run build:faiss` to force a rebuild):
 * builds faiss-node's native addon from Debian's faiss, because faiss-node's own install script
 * downloads a prebuilt binary from GitHub and is therefore denied in package.json "allowScripts".
 *
 * Idempotent: when the built addon is there and passes the check it does nothing. It never fails
 * the install: where the build cannot work (not Linux, no apt, not root, no compiler) it says why
 * and what to run, records that for retrieval's "unavailable" message, and exits 0, so that OCR
 * and classification install and run without faiss.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { checkFaissAddon } from './faiss-addon-check.js'
import { findLibFaiss, packageMajor, writeBuildFiles } from './faiss-build-files.js'
import { PROJECT_ROOT, writeBuildStatus } from './install-status.js'
import { runCommand } from './run-command.js'
import { aptInstall, missingPackages } from './system-packages.js'

const started = Date.now()
const say = (message: string) => process.stderr.write(`[faiss-node] ${message}\n`)
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

/** Records the outcome for retrieval's message; failing to record must not fail the install. */
function record(ok: boolean, reason?: string): void {
  try {
    writeBuildStatus({ ok, ...(reason ? { reason } : {}), at: new Date().toISOString() })
  } catch (error) {
    say(`could not record the outcome in node_modules/.ppserve: ${(error as Error).message}`)
  }
}

class CannotBuild extends Error {
  override readonly name = 'CannotBuild'
}

/** Folder of an installed package as the project resolves it, or null when not installed. */
function packageDir(name: string): string | null {
  const require = createRequire(path.join(PROJECT_ROOT, 'package.json'))
  try {
    return path.dirname(require.resolve(`${name}/package.json`))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null
    throw error
  }
}

/** node-gyp as npm itself runs it: npm passes its bundled copy to install scripts. */
function findNodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && path.resolve(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'),
    path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ]
  const found = candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate))
  if (!found) throw new CannotBuild('node-gyp was not found (npm normally bundles it); install it with `npm install -g node-gyp`')
  return found
}

/** Node's own headers: distribution packages put them under <prefix>/include/node. */
function nodeDirArgs(): string[] {
  const prefix = path.resolve(path.dirname(process.execPath), '..')
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : []
}

function build(faissNodeDir: string): void {
  if (process.platform !== 'linux') {
    throw new CannotBuild(`the automatic build supports Linux (Debian/Ubuntu) only, not ${process.platform}`)
  }
  const missing = missingPackages()
  if (missing.length > 0) {
    say(`missing Debian packages: ${missing.join(', ')}; installing them with apt-get (${elapsed()})`)
    const apt = aptInstall(missing)
    if (!apt.ok) throw new CannotBuild(apt.reason)
  }
  const libFaiss = findLibFaiss()
  if (!libFaiss) throw new CannotBuild('libfaiss.a not found although libfaiss-dev is installed')
  const nodeAddonApiDir = packageDir('node-addon-api')
  if (!nodeAddonApiDir || packageMajor(nodeAddonApiDir) < 8) {
    throw new CannotBuild('node-addon-api >= 8 is missing from node_modules (a dependency in package.json): run npm install')
  }
  writeBuildFiles({ faissNodeDir, nodeAddonApiDir, libFaiss })
  say(`compiling faiss-node against ${libFaiss} with node-gyp (${elapsed()})`)
  const jobs = String(Math.min(4, availableParallelism()))
  const gyp = runCommand(process.execPath, [findNodeGyp(), 'rebuild', '--loglevel=warn', `--jobs=${jobs}`, ...nodeDirArgs()], {
    cwd: faissNodeDir,
    timeoutMs: 20 * 60_000,
  })
  if (!gyp.ok) throw new CannotBuild(`compiling failed: ${gyp.problem}`)
}

function main(): void {
  if (process.env.PPSERVE_SKIP_FAISS_BUILD) {
    say('PPSERVE_SKIP_FAISS_BUILD is set: not building; retrieval stays unavailable until `npm run build:faiss`')
    return
  }
  const force = process.argv.includes('--force')
  const faissNodeDir = packageDir('faiss-node')
  if (!faissNodeDir) {
    throw new CannotBuild(
      'faiss-node is not in node_modules. It is an optional dependency: left out by --omit=optional, or dropped by an npm that ignores package.json "allowScripts" (it then runs faiss-node\'s download script, which fails offline); use npm 11.19 or later and a plain npm install',
    )
  }
  const addon = path.join(faissNodeDir, 'build', 'Release', 'faiss-node.node')
  if (!force && existsSync(addon)) {
    const check = checkFaissAddon(faissNodeDir)
    if (check.ok) {
      say(`already built and working (${path.relative(PROJECT_ROOT, addon)}); nothing to do`)
      record(true)
      return
    }
    say(`the built addon fails its check (${check.reason}); rebuilding`)
  }
  build(faissNodeDir)
  const check = checkFaissAddon(faissNodeDir)
  if (!check.ok) throw new CannotBuild(`built, but the addon fails its check: ${check.reason}`)
  say(`built and checked in ${elapsed()}: retrieval (PP-ShiTu gallery search) is available`)
  record(true)
}

try {
  main()
} catch (error) {
  // The install boundary: report and record, never fail `npm install` (see the header comment).
  const reason = error instanceof CannotBuild ? error.message : `unexpected error: ${error instanceof Error ? error.stack : String(error)}`
  say(`NOT BUILT: ${reason}`)
  say('OCR and classification work without it; retrieval reports itself unavailable with this reason.')
  record(false, reason)
}
