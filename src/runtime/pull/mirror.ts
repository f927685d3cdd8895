/**
 * Mirror lookup: for air-gapped sites (and this machine's ../shared/assets), files come from a
 * local folder instead of the network. A file is looked for at its manifest `mirror_path` under
 * the mirror, then at its URL's base name; a miss is an error naming every path tried.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { PullError } from './errors.js'

export const MIRROR_ENV = 'PPSERVE_MIRROR'

/** The mirror named by PPSERVE_MIRROR, if any (the default of `--mirror`). */
export function mirrorFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[MIRROR_ENV]?.trim()
  return value ? value : undefined
}

export interface MirrorRef {
  readonly url?: string | undefined
  readonly mirror_path?: string | undefined
}

function inside(mirror: string, relative: string, what: string): string {
  const resolved = path.resolve(mirror, relative)
  const back = path.relative(mirror, resolved)
  if (back.startsWith('..') || path.isAbsolute(back)) throw new PullError(`${what}: mirror_path "${relative}" leaves the mirror folder ${mirror}`)
  return resolved
}

/** Candidate paths under the mirror, in the order they are tried. */
export function mirrorCandidates(mirror: string, ref: MirrorRef, what: string): string[] {
  const root = path.resolve(mirror)
  const candidates: string[] = []
  if (ref.mirror_path) candidates.push(inside(root, ref.mirror_path, what))
  if (ref.url) {
    const base = path.posix.basename(new URL(ref.url).pathname)
    if (base) candidates.push(inside(root, decodeURIComponent(base), what))
  }
  return [...new Set(candidates)]
}

/** The first candidate that exists (a file or a folder). */
export function findInMirror(mirror: string, ref: MirrorRef, what: string): string {
  if (!existsSync(mirror)) throw new PullError(`${what}: the mirror folder ${path.resolve(mirror)} does not exist (--mirror / ${MIRROR_ENV})`)
  const candidates = mirrorCandidates(mirror, ref, what)
  const found = candidates.find((candidate) => existsSync(candidate))
  if (!found) {
    const tried = candidates.length > 0 ? candidates.join(', ') : 'nothing: the manifest gives neither mirror_path nor url'
    throw new PullError(`${what}: not in the mirror ${path.resolve(mirror)} (tried ${tried})`)
  }
  return found
}
