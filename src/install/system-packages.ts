/**
 * Debian packages the install steps need (the faiss-node build, the overlay fonts), found with
 * dpkg and installed with apt-get. Only called on Linux; every "cannot" answer says what a person
 * can do instead.
 */
import { spawnSync } from 'node:child_process'
import { probeCommand, runCommand } from './run-command.js'

/** libfaiss-dev ships faiss 1.7.3 (libfaiss.a + headers); libopenblas-dev provides -lblas -llapack. */
export const FAISS_PACKAGES = ['libfaiss-dev', 'libopenblas-dev'] as const

/** CJK glyphs for the text of drawn result images (PaddleX `ocrImage`); fontconfig finds them. */
export const OVERLAY_FONT_PACKAGES = ['fonts-noto-cjk'] as const

/** Compilers and tools node-gyp runs, with the package that provides each. */
const BUILD_TOOLS: ReadonlyArray<readonly [tool: string, pkg: string]> = [
  ['g++', 'g++'],
  ['make', 'make'],
  ['python3', 'python3'],
]

function hasCommand(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0
}

function isInstalled(pkg: string): boolean {
  const status = probeCommand('dpkg-query', ['-W', '-f=${Status}', pkg])
  return status !== null && status.endsWith(' installed')
}

/** Those of `packages` dpkg does not list as installed. */
export function notInstalled(packages: readonly string[]): string[] {
  return packages.filter((pkg) => !isInstalled(pkg))
}

/** The packages the faiss-node build still needs (empty when everything is there). */
export function missingPackages(): string[] {
  const missing = notInstalled(FAISS_PACKAGES)
  for (const [tool, pkg] of BUILD_TOOLS) if (!hasCommand(tool)) missing.push(pkg)
  return missing
}

export type AptOutcome = { ok: true } | { ok: false; reason: string }

/** What the "cannot" answers tell a person: what to install instead, and what to run after. */
export interface AptAdvice {
  readonly what: string
  readonly then?: string
}

const FAISS_ADVICE: AptAdvice = { what: 'faiss 1.7.x and OpenBLAS development files', then: 'npm run build:faiss' }

/** apt-get update, then install; needs root and apt (Debian or Ubuntu). */
export function aptInstall(packages: readonly string[], advice: AptAdvice = FAISS_ADVICE): AptOutcome {
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`
  if (!hasCommand('apt-get') || !hasCommand('dpkg-query')) {
    return { ok: false, reason: `this system has no apt-get/dpkg (not Debian or Ubuntu); install ${advice.what} yourself (Debian names: ${packages.join(', ')})` }
  }
  if (process.getuid?.() !== 0) {
    const then = advice.then ? `, then \`${advice.then}\`` : ''
    return { ok: false, reason: `installing ${packages.join(', ')} needs root: run \`sudo sh -c '${command}'\`${then}` }
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = runCommand('apt-get', ['update', '-q'], { env })
  if (!update.ok) return { ok: false, reason: `${update.problem} (is a Debian mirror reachable?)` }
  const install = runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env })
  if (!install.ok) return { ok: false, reason: install.problem }
  return { ok: true }
}
