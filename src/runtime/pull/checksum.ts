/** Checks a computed sha256 against the manifest's pin; an unpinned one is accepted with a warning. */
import { ChecksumError } from './errors.js'
import type { ProgressStream } from './progress-bar.js'

/** Returns whether the value was pinned (and matched); throws ChecksumError on a mismatch. */
export function checkSha256(expected: string | undefined, actual: string, what: string, progress: ProgressStream, pinAt: string): boolean {
  if (expected === undefined) {
    progress.write(`warning: ${what} has no sha256 pinned; computed ${actual}. Pin it (${pinAt}) so later pulls are verified\n`)
    return false
  }
  if (expected !== actual) throw new ChecksumError(what, expected, actual)
  return true
}
