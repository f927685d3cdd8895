/**
 * The outcome of the last faiss-node build, kept in node_modules so that retrieval, when faiss
 * cannot load, can say why the install could not build it (and what to run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const STATUS_FILE = path.join(PROJECT_ROOT, 'node_modules', '.ppserve', 'faiss-node-build.json')

export interface FaissBuildStatus {
  readonly ok: boolean
  /** Why retrieval is unavailable, with what to do; absent when ok. */
  readonly reason?: string
  readonly at: string
}

export function writeBuildStatus(status: FaissBuildStatus): void {
  mkdirSync(path.dirname(STATUS_FILE), { recursive: true })
  writeFileSync(STATUS_FILE, JSON.stringify(status, null, 2) + '\n')
}

/** The last recorded outcome, or null when no install has recorded one. */
export function readBuildStatus(): FaissBuildStatus | null {
  let text: string
  try {
    text = readFileSync(STATUS_FILE, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  return JSON.parse(text) as FaissBuildStatus
}
