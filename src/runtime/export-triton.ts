/**
 * `models export-triton`: a Triton model repository for the ONNX model packages, so a model tier
 * can run them in Triton (ARCHITECTURE.md "Scaling out"): `DIR/<name>/config.pbtxt` and
 * `DIR/<name>/1/model.onnx` (a copy, or a symlink). The config comes from the manifest — the
 * contract — narrowed by the shapes the ONNX file itself declares, and is checked against them
 * first, as the server does at load.
 */
import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { isServingError } from '../engine/errors.js'
import type { ManifestSection } from './manifest-sections.js'
import { contractMismatches } from './model-contract.js'
import { loadModelPackage, modelFileExists } from './model-package.js'
import { signatureOf } from './model-signature.js'
import { createOrtSession } from './ort-session.js'
import { listModels } from './pull/list-models.js'
import { DEFAULT_SESSION_OPTIONS } from './session.js'
import { toPbtxt, tritonConfigOf, type TritonBatching } from './triton-config.js'

/** Triton's version folder for the one version a package has (KServe routes call it version 1 too). */
export const TRITON_VERSION = '1'

export interface TritonExportOptions extends TritonBatching {
  readonly modelsDir: string
  readonly outDir: string
  /** Packages to export; default every package folder in modelsDir. */
  readonly names?: readonly string[] | undefined
  /** Link model.onnx to the package's file instead of copying it. */
  readonly symlink?: boolean
  /** Manifest sections the server knows (unknown ones fail the package, as at serve time). */
  readonly sections?: readonly ManifestSection[] | undefined
}

export interface TritonExportResult {
  readonly name: string
  readonly status: 'written' | 'skipped' | 'failed'
  readonly detail: string
}

async function exportOne(name: string, options: TritonExportOptions): Promise<TritonExportResult> {
  const pkg = await loadModelPackage(path.join(options.modelsDir, name), options.sections)
  if (!modelFileExists(pkg)) return { name, status: 'skipped', detail: `weights ${pkg.modelPath} are missing (npx ppserve models pull ${name})` }
  // Only the graph's declarations are needed: no optimisation, one thread.
  const session = await createOrtSession(pkg.modelPath, { ...DEFAULT_SESSION_OPTIONS, intraOpThreads: 1, graphOptimization: 'disabled' })
  const declared = { inputs: session.inputs, outputs: session.outputs }
  await session.close()
  const mismatches = contractMismatches(pkg.manifest, declared)
  if (mismatches.length > 0) return { name, status: 'failed', detail: `manifest does not match ${pkg.modelPath}: ${mismatches.join('; ')}` }
  const config = tritonConfigOf(name, signatureOf(pkg.manifest, declared), options)
  const dir = path.join(options.outDir, name)
  const target = path.join(dir, TRITON_VERSION, 'model.onnx')
  await mkdir(path.dirname(target), { recursive: true })
  await rm(target, { force: true })
  if (options.symlink) await symlink(path.resolve(pkg.modelPath), target)
  else await copyFile(pkg.modelPath, target)
  await writeFile(path.join(dir, 'config.pbtxt'), toPbtxt(config))
  const batching = config.max_batch_size > 0 ? `max_batch_size ${config.max_batch_size}` : 'no batch axis (max_batch_size 0)'
  return { name, status: 'written', detail: `${path.join(dir, 'config.pbtxt')}, ${options.symlink ? 'linked' : 'copied'} model.onnx; ${batching}` }
}

/** Exports each package; a failure is reported in its result and the others go on. */
export async function exportTritonRepository(options: TritonExportOptions, report: (result: TritonExportResult) => void = () => {}): Promise<TritonExportResult[]> {
  const names = options.names ?? (await listModels(options.modelsDir)).map((listing) => listing.name)
  const results: TritonExportResult[] = []
  for (const name of names) {
    let result: TritonExportResult
    try {
      result = await exportOne(name, options)
    } catch (error) {
      if (!isServingError(error) && !(error as NodeJS.ErrnoException).code) throw error
      result = { name, status: 'failed', detail: (error as Error).message }
    }
    report(result)
    results.push(result)
  }
  return results
}
