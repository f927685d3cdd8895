/** Resolves manifest file references: package-relative paths and `npm:<package>/<path>`. */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { ConfigError } from '../engine/errors.js'

const require = createRequire(import.meta.url)
const NPM_PREFIX = 'npm:'

function splitNpmRef(spec: string): { pkg: string; file: string } {
  const parts = spec.split('/')
  const nameParts = spec.startsWith('@') ? 2 : 1
  if (parts.length <= nameParts) throw new ConfigError(`npm file reference "npm:${spec}" names no file inside the package`)
  return { pkg: parts.slice(0, nameParts).join('/'), file: parts.slice(nameParts).join('/') }
}

/** The directory of an installed npm package, found through its package.json (exports maps may hide files). */
function packageDir(pkg: string): string {
  // Walk the node_modules folders Node itself would search, nearest first.
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = path.join(dir, pkg)
    if (existsSync(path.join(candidate, 'package.json'))) return candidate
  }
  throw new ConfigError(`npm package ${pkg} is not installed (run npm install)`)
}

export function resolveFileRef(ref: string, packageFolder: string): string {
  if (!ref.startsWith(NPM_PREFIX)) {
    const resolved = path.resolve(packageFolder, ref)
    const relative = path.relative(packageFolder, resolved)
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ConfigError(`file reference "${ref}" leaves the model package folder ${packageFolder}`)
    }
    return resolved
  }
  const { pkg, file } = splitNpmRef(ref.slice(NPM_PREFIX.length))
  return path.join(packageDir(pkg), file)
}
