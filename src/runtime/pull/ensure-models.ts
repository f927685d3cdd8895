/**
 * For serve's start-up: pull the configured packages whose model file is missing and that have
 * a source, from the mirror when one is configured. It never throws for one model: each gets a
 * result, so the server can start and report the others as not ready.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { loadModelPackage } from '../model-package.js'
import { PullCancelled } from './errors.js'
import { mirrorFromEnv } from './mirror.js'
import type { ProgressStream } from './progress-bar.js'
import { pullModel } from './pull-model.js'

export interface EnsureOptions {
  /** Mirror folder; default PPSERVE_MIRROR, else the network. */
  readonly mirror?: string | undefined
  /** Progress bars and messages (default: stderr). */
  readonly progress?: ProgressStream
  readonly connectTimeoutMs?: number
}

/**
 * `present`: the model file exists; `pulled`: it was missing and is now installed; `no-source`:
 * missing and the manifest names no source; `failed`: the manifest or the pull failed (`error`);
 * `cancelled`: a SIGINT / SIGTERM interrupted the pulls (this one and the rest).
 */
export type EnsureStatus = 'present' | 'pulled' | 'no-source' | 'failed' | 'cancelled'

export interface EnsureResult {
  readonly name: string
  readonly status: EnsureStatus
  readonly error?: Error
}

async function ensureOne(modelsDir: string, name: string, options: EnsureOptions, mirror: string | undefined): Promise<EnsureResult> {
  try {
    const pkg = await loadModelPackage(path.join(modelsDir, name))
    if (existsSync(pkg.modelPath)) return { name, status: 'present' }
    if (!pkg.manifest.source) return { name, status: 'no-source' }
    await pullModel(name, {
      modelsDir,
      mirror,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    })
    return { name, status: 'pulled' }
  } catch (error) {
    return { name, status: error instanceof PullCancelled ? 'cancelled' : 'failed', error: error as Error }
  }
}

/**
 * Pulls what is missing, one model at a time. A SIGINT / SIGTERM during a pull cleans it up,
 * marks the remaining models cancelled, and is then sent again to the process, so it has its
 * usual effect (without a handler of the caller's: the process exits).
 */
export async function ensureModelsPulled(modelsDir: string, names: readonly string[], options: EnsureOptions = {}): Promise<EnsureResult[]> {
  const mirror = options.mirror ?? mirrorFromEnv()
  const results: EnsureResult[] = []
  for (const name of names) {
    const result = await ensureOne(modelsDir, name, options, mirror)
    results.push(result)
    if (result.status !== 'cancelled') continue
    for (const rest of names.slice(results.length)) results.push({ name: rest, status: 'cancelled' })
    const signal = (result.error as PullCancelled).signal
    if (signal) process.kill(process.pid, signal)
    break
  }
  return results
}
