/**
 * `models pull NAME`: fetch the manifest's source (network or mirror) → check sha256 → unpack →
 * convert (Paddle) → check the feed/fetch names → fetch the pulled files → write provenance →
 * commit. Everything happens in a staging folder inside the package; the renames into the
 * package come last, the model file last of all, so a failure, SIGINT or SIGTERM at any earlier
 * point leaves the package exactly as it was (no model file if it had none).
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadModelPackage, MANIFEST_FILE, type ModelPackage } from '../model-package.js'
import { buildModel, checkModelNames } from './build-model.js'
import { PullCancelled, PullError } from './errors.js'
import { extractArchive, archiveKind } from './extract.js'
import { fetchPulledFile, type FetchedFile } from './fetch-files.js'
import { fetchSource, type FetchedSource, type PullWork } from './fetch-source.js'
import type { ProgressStream } from './progress-bar.js'
import { ppserveVersion, PROVENANCE_FILE, provenanceText, type Provenance } from './provenance.js'
import { trapSignals } from './signals.js'
import { commitStaged, createStaging, removeStaging } from './staging.js'

export interface PullOptions {
  /** The folder of model packages (`models`). */
  readonly modelsDir: string
  /** Take files from this folder instead of the network. */
  readonly mirror?: string | undefined
  /** Pull again even when the package is installed. */
  readonly force?: boolean
  /** Progress bars and messages (default: stderr). */
  readonly progress?: ProgressStream
  /** Cancels the pull (it then cleans up and rejects with PullCancelled). */
  readonly signal?: AbortSignal
  /** Catch SIGINT / SIGTERM during the pull to clean up (default true). */
  readonly handleSignals?: boolean
  readonly connectTimeoutMs?: number
}

export interface PullResult {
  readonly name: string
  /** `skipped`: already installed and not forced. */
  readonly status: 'pulled' | 'skipped'
  readonly modelPath: string
  readonly provenance?: Provenance
}

/** Installed: the model file and every pulled file are present. */
export function isInstalled(pkg: ModelPackage): boolean {
  const pulled = Object.entries(pkg.manifest.files).filter(([, ref]) => typeof ref !== 'string')
  return existsSync(pkg.modelPath) && pulled.every(([key]) => existsSync(pkg.files[key]!))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** The folder (or single file) the model is built from: archives are extracted into staging. */
async function unpack(fetched: FetchedSource, work: PullWork, format: 'paddle' | 'onnx'): Promise<string> {
  if (fetched.isFolder) return fetched.path
  if (format === 'onnx' && (await archiveKind(fetched.path)) === 'none') return fetched.path
  const into = path.join(work.staging, 'source')
  await mkdir(into)
  const entries = await extractArchive(fetched.path, into, `model ${work.name} source`)
  work.progress.write(`${work.name}: extracted ${entries} entries\n`)
  return into
}

async function stageAndCommit(pkg: ModelPackage, work: PullWork): Promise<Provenance> {
  const source = pkg.manifest.source!
  const manifestFile = path.join(pkg.dir, MANIFEST_FILE)
  const fetched = await fetchSource(source, work, manifestFile)
  work.signal.throwIfAborted()
  const root = await unpack(fetched, work, source.format)
  if (source.format === 'paddle') work.progress.write(`${work.name}: converting the Paddle model to ONNX\n`)
  const built = await buildModel(pkg.name, source, root)
  work.signal.throwIfAborted()
  checkModelNames(pkg.name, pkg.manifest, built, manifestFile)

  const staged = path.join(work.staging, 'package')
  const modelRelative = path.relative(pkg.dir, pkg.modelPath)
  await mkdir(path.dirname(path.join(staged, modelRelative)), { recursive: true })
  await writeFile(path.join(staged, modelRelative), built.bytes)
  const files: FetchedFile[] = []
  for (const [key, ref] of Object.entries(pkg.manifest.files)) {
    if (typeof ref !== 'string') files.push(await fetchPulledFile(key, ref, work, staged, manifestFile))
  }
  const provenance: Provenance = {
    name: pkg.name,
    pulled_at: new Date().toISOString(),
    source: {
      format: source.format,
      ...(fetched.url ? { url: fetched.url } : {}),
      ...(fetched.mirror ? { mirror: fetched.mirror } : {}),
      sha256: fetched.sha256,
      sha256_of: fetched.sha256Of,
      pinned: fetched.pinned,
    },
    model: { path: modelRelative.split(path.sep).join('/'), sha256: sha256(built.bytes), bytes: built.bytes.byteLength },
    files: Object.fromEntries(files.map((f) => [f.key, { path: f.path, sha256: f.sha256, from: f.from }])),
    ...(built.conversion
      ? { converter: { tool: 'ppserve convert', version: ppserveVersion(), opset: built.conversion.opset, ...(built.conversion.lrnAfter ? { lrn_after: [...built.conversion.lrnAfter] } : {}) } }
      : {}),
  }
  await writeFile(path.join(staged, PROVENANCE_FILE), provenanceText(provenance))
  work.signal.throwIfAborted()
  commitStaged(staged, pkg.dir, [...files.map((f) => f.path), PROVENANCE_FILE, modelRelative])
  return provenance
}

export async function pullModel(name: string, options: PullOptions): Promise<PullResult> {
  const progress = options.progress ?? process.stderr
  const pkg = await loadModelPackage(path.join(options.modelsDir, name))
  if (!pkg.manifest.source) {
    throw new PullError(`model ${name} has no source in ${path.join(pkg.dir, MANIFEST_FILE)}: its model (${pkg.manifest.model}) is not pulled`)
  }
  if (pkg.manifest.model.startsWith('npm:')) throw new PullError(`model ${name}: a pulled model must live in its package folder, not ${pkg.manifest.model}`)
  if (!options.force && isInstalled(pkg)) {
    progress.write(`${name}: already installed (${pkg.modelPath}); --force pulls it again\n`)
    return { name, status: 'skipped', modelPath: pkg.modelPath }
  }
  const controller = new AbortController()
  const onAbort = () => controller.abort(new PullCancelled(name))
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted) onAbort()
  const release = options.handleSignals === false ? () => {} : trapSignals((signal) => controller.abort(new PullCancelled(name, signal)))
  let staging: string | undefined
  try {
    staging = await createStaging(pkg.dir)
    controller.signal.throwIfAborted()
    const work: PullWork = { name, staging, mirror: options.mirror, progress, signal: controller.signal, connectTimeoutMs: options.connectTimeoutMs }
    const provenance = await stageAndCommit(pkg, work)
    progress.write(`${name}: installed ${pkg.modelPath} (sha256 ${provenance.model.sha256})\n`)
    return { name, status: 'pulled', modelPath: pkg.modelPath, provenance }
  } catch (error) {
    // Whatever failed after a cancellation (an aborted download, a closed stream) is the cancellation.
    if (controller.signal.aborted) throw controller.signal.reason
    throw error
  } finally {
    if (staging) await removeStaging(staging)
    release()
    options.signal?.removeEventListener('abort', onAbort)
  }
}
