/**
 * Compiles the web page (src/web) into the folder the server serves it from, as `npm run build`
 * does (tsc -p src/web, then the non-TypeScript files copied beside the JavaScript), so
 * the browser tests never run a stale bundle.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { isBuildAsset } from '../../src/install/build-assets.js'
import { WEB_BUNDLE_DIR } from '../../src/server/routes/web-page.js'
import { PROJECT_ROOT } from './shared-assets.js'

const WEB_SOURCES = path.join(PROJECT_ROOT, 'src', 'web')

export function buildWebBundle(): string {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'src/web'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  for (const name of readdirSync(WEB_SOURCES)) {
    if (isBuildAsset(name)) cpSync(path.join(WEB_SOURCES, name), path.join(WEB_BUNDLE_DIR, name))
  }
  return WEB_BUNDLE_DIR
}
