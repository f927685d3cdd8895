/**
 * `models verify NAME`: is the installed package intact? The model file's sha256 against the
 * provenance written at pull time, each pulled file against its pinned sha256 (or the recorded
 * one), and the model loaded in onnxruntime and checked against the manifest's contract.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { loadModelPackage } from '../model-package.js'
import { contractMismatches, type ManifestTensors, type ModelTensors } from '../model-contract.js'
import { onnxTensors } from './build-model.js'
import { readProvenance, PROVENANCE_FILE, type Provenance } from './provenance.js'
import { sha256File } from './tree-hash.js'

export interface VerifyCheck {
  readonly what: string
  readonly ok: boolean
  readonly detail: string
}

export interface VerifyReport {
  readonly name: string
  readonly ok: boolean
  readonly checks: readonly VerifyCheck[]
}

async function hashCheck(what: string, file: string, expected: string | undefined, against: string): Promise<VerifyCheck> {
  if (!existsSync(file)) return { what, ok: false, detail: `${file} is missing` }
  const actual = await sha256File(file)
  if (expected === undefined) return { what, ok: true, detail: `sha256 ${actual} (nothing to compare with)` }
  return actual === expected
    ? { what, ok: true, detail: `sha256 ${actual} matches ${against}` }
    : { what, ok: false, detail: `sha256 ${actual}, ${against} says ${expected}` }
}

/** The same contract the server checks at load (model-contract.ts). */
async function loadCheck(modelPath: string, manifest: ManifestTensors): Promise<VerifyCheck> {
  const what = 'onnxruntime'
  let model: ModelTensors
  try {
    model = await onnxTensors(modelPath)
  } catch (error) {
    return { what, ok: false, detail: `does not load: ${(error as Error).message}` }
  }
  const mismatches = contractMismatches(manifest, model)
  const names = `inputs ${model.inputs.map((t) => t.name).join(', ')}; outputs ${model.outputs.map((t) => t.name).join(', ')}`
  return mismatches.length === 0
    ? { what, ok: true, detail: `loads and matches the manifest; ${names}` }
    : { what, ok: false, detail: `loads, but does not match the manifest: ${mismatches.join('; ')}` }
}

export async function verifyModel(name: string, options: { readonly modelsDir: string }): Promise<VerifyReport> {
  const pkg = await loadModelPackage(path.join(options.modelsDir, name))
  const checks: VerifyCheck[] = []
  let provenance: Provenance | undefined
  try {
    provenance = await readProvenance(pkg.dir)
  } catch (error) {
    checks.push({ what: PROVENANCE_FILE, ok: false, detail: (error as Error).message })
  }
  if (!existsSync(pkg.modelPath)) {
    checks.push({ what: 'model', ok: false, detail: `${pkg.modelPath} is missing${pkg.manifest.source ? `; run npx ppserve models pull ${name}` : ''}` })
    return { name, ok: false, checks }
  }
  if (provenance) {
    checks.push(await hashCheck('model', pkg.modelPath, provenance.model.sha256, PROVENANCE_FILE))
    const pinned = pkg.manifest.source?.sha256
    if (pinned && pinned !== provenance.source.sha256) {
      checks.push({ what: 'source', ok: false, detail: `pulled from a source with sha256 ${provenance.source.sha256}, the manifest now pins ${pinned}; pull again with --force` })
    }
  } else if (pkg.manifest.source && checks.length === 0) {
    checks.push({ what: 'model', ok: false, detail: `no ${PROVENANCE_FILE}: the model was not installed by models pull; pull it again with --force` })
  }
  for (const [key, ref] of Object.entries(pkg.manifest.files)) {
    if (typeof ref === 'string') continue
    const recorded = provenance?.files[key]?.sha256
    checks.push(await hashCheck(`file ${key}`, pkg.files[key]!, ref.sha256 ?? recorded, ref.sha256 ? 'the manifest' : PROVENANCE_FILE))
  }
  checks.push(await loadCheck(pkg.modelPath, pkg.manifest))
  return { name, ok: checks.every((c) => c.ok), checks }
}
