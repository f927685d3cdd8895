/**
 * Debian's python3 with python3-requests, for running the Python test clients as users run the
 * official ones. Missing packages are installed with the project's apt helper (idempotent: dpkg is
 * asked first). When that cannot be done the tests skip with the reason, except under CI=true,
 * where it is a failure.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { aptInstall, notInstalled } from '../../src/install/system-packages.js'

export const DEBIAN_PYTHON = '/usr/bin/python3'
const PACKAGES = ['python3', 'python3-requests']

function pythonWorks(): boolean {
  return existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import requests'], { stdio: 'ignore' }).status === 0
}

function prepare(): false | string {
  if (process.platform !== 'linux') return `the Python clients run with Debian's python3; this is ${process.platform}`
  if (pythonWorks()) return false
  const missing = existsSync('/usr/bin/dpkg-query') ? notInstalled(PACKAGES) : PACKAGES
  if (missing.length > 0) {
    const apt = aptInstall(missing, { what: 'python3 and its requests module' })
    if (!apt.ok) return apt.reason
  }
  return pythonWorks() ? false : `${DEBIAN_PYTHON} cannot import requests although ${PACKAGES.join(', ')} are installed`
}

/** `skip` option for tests that run the Python clients: false once python3 + requests work. */
export function needsDebianPython(): false | string {
  const reason = prepare()
  if (reason && process.env.CI === 'true') throw new Error(`CI=true but the Python clients cannot run: ${reason}`)
  return reason
}
