/**
 * A model package is a folder `models/NAME/` with a `manifest.yml`; the folder name is the
 * model's name. Loading goes read → parse → validate (pre/postprocess sections included) →
 * resolve files, and fails with the file and key at fault.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { formatIssues } from '../config/format-issues.js'
import { ConfigError } from '../engine/errors.js'
import { resolveFileRef } from './file-ref.js'
import { IMAGE_SECTION_TABLE } from './image-sections.js'
import { MANIFEST_FILE, ManifestSchema, type Manifest, type NormalizeImageParams, type TensorSpec } from './manifest.js'
import { checkSections, manifestFileOf, readSection, type ManifestSection } from './manifest-sections.js'

export { MANIFEST_FILE }

export interface ModelPackage {
  readonly name: string
  readonly dir: string
  readonly manifest: Readonly<Manifest>
  /** Absolute path of the ONNX file (it may not exist yet: see modelFileExists). */
  readonly modelPath: string
  /** Auxiliary files by key (e.g. `dictionary`), as absolute paths. */
  readonly files: Readonly<Record<string, string>>
  feed(alias: string): TensorSpec
  fetch(alias: string): TensorSpec
}

function specByAlias(specs: readonly TensorSpec[], alias: string, kind: string, name: string): TensorSpec {
  const spec = specs.find((s) => s.alias === alias)
  if (!spec) {
    const known = specs.map((s) => s.alias).join(', ')
    throw new ConfigError(`model ${name} has no ${kind} with alias "${alias}" (it has: ${known})`)
  }
  return spec
}

/**
 * Loads and validates a package. `sections` is every manifest section the server knows (the task
 * registry's list): then an unknown section name fails the load. Without it only the runtime's
 * own image ops are checked here, and task sections when their task reads them.
 */
export async function loadModelPackage(dir: string, sections?: readonly ManifestSection[]): Promise<ModelPackage> {
  const absolute = path.resolve(dir)
  const file = path.join(absolute, MANIFEST_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read model manifest ${file}: ${(error as Error).message}`, { cause: error })
  }
  const parsed = ManifestSchema.safeParse(parseYaml(text))
  if (!parsed.success) throw new ConfigError(formatIssues(file, parsed.error.issues))
  const manifest = parsed.data
  const name = path.basename(absolute)
  if (manifest.name !== name) {
    throw new ConfigError(`${file}: name "${manifest.name}" does not match its folder name "${name}"`)
  }
  checkSections(manifest, sections ?? [], file, sections !== undefined)
  const files: Record<string, string> = {}
  for (const [key, ref] of Object.entries(manifest.files)) files[key] = resolveFileRef(typeof ref === 'string' ? ref : ref.path, absolute)
  return {
    name,
    dir: absolute,
    manifest,
    modelPath: resolveFileRef(manifest.model, absolute),
    files,
    feed: (alias) => specByAlias(manifest.feeds, alias, 'feed', name),
    fetch: (alias) => specByAlias(manifest.fetches, alias, 'fetch', name),
  }
}

export function modelFileExists(pkg: ModelPackage): boolean {
  return existsSync(pkg.modelPath)
}

/** Reads a package's auxiliary file by key, failing at load when it is not declared or absent. */
export async function readPackageFile(pkg: ModelPackage, key: string): Promise<string> {
  const file = pkg.files[key]
  if (!file) throw new ConfigError(`model ${pkg.name} declares no file "${key}" in its manifest`)
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`model ${pkg.name}: cannot read ${key} file ${file}: ${(error as Error).message}`, { cause: error })
  }
}

/** The package's NormalizeImage parameters; a package used by a task that needs them must declare them. */
export function normalizationOf(pkg: ModelPackage): NormalizeImageParams {
  const params = readSection(pkg, IMAGE_SECTION_TABLE.NormalizeImage)
  if (!params) throw new ConfigError(`model ${pkg.name}: ${manifestFileOf(pkg)} has no NormalizeImage in preprocess`)
  return params
}
