/**
 * Debian's chromium, for the browser tests (playwright-core drives it; playwright's own browser
 * downloads are never used). Installed with the project's apt helper when missing (idempotent:
 * the binary is looked for first). When that cannot be done the tests skip with the reason,
 * except under CI=true, where it is a failure.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { aptInstall } from '../../src/install/system-packages.js'

export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

function chromiumWorks(): boolean {
  return existsSync(DEBIAN_CHROMIUM) && spawnSync(DEBIAN_CHROMIUM, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0
}

function prepare(): false | string {
  if (process.platform !== 'linux') return `the browser tests drive Debian's chromium; this is ${process.platform}`
  if (chromiumWorks()) return false
  const apt = aptInstall(['chromium'], { what: 'Chromium (any build at /usr/bin/chromium)' })
  if (!apt.ok) return apt.reason
  return chromiumWorks() ? false : `${DEBIAN_CHROMIUM} does not run (\`${DEBIAN_CHROMIUM} --version\` failed) although the chromium package is installed`
}

/** `skip` option for tests that drive chromium: false once /usr/bin/chromium runs. */
export function needsChromium(): false | string {
  const reason = prepare()
  if (reason && process.env.CI === 'true') throw new Error(`CI=true but the browser tests cannot run: ${reason}`)
  return reason
}
