/**
 * Tests that need ../shared/assets (real models, images, the drink gallery) use this: when the
 * folder is absent they skip with the reason printed, except under CI (CI=true), where a missing
 * folder is a failure, never a silent skip.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SHARED_ASSETS = path.resolve(PROJECT_ROOT, '../shared/assets')

const available = existsSync(SHARED_ASSETS)

if (!available && process.env.CI === 'true') {
  throw new Error(`CI=true but ${SHARED_ASSETS} is missing: the accuracy tests need ../shared/assets beside the project`)
}

/** Path of a file under ../shared/assets. */
export function asset(...parts: string[]): string {
  return path.join(SHARED_ASSETS, ...parts)
}

/**
 * Pass as the `skip` option of a test or describe block: false when the assets are there, else
 * the reason (node:test prints it next to the skipped test).
 */
export const needsSharedAssets: false | string = available ? false : `needs ${SHARED_ASSETS} (absent)`
