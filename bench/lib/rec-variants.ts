/**
 * Detector settings that only the config or the model package holds (input size, NMS, class
 * filter), for the recognition benchmark: a temporary models folder that links every project
 * package and adds a copy of a detector manifest with its PicoDetDecode or Mainbody section
 * changed; the server pulls the weights into it from the mirror, so models/ is left as it is.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { PROJECT_ROOT } from './bench-config.js'

export interface DetectorVariant {
  /** Row name in the tables. */
  readonly label: string
  /** Package whose manifest is the starting point. */
  readonly base: string
  /** Changes to its PicoDetDecode section (score_threshold, nms_threshold, class_agnostic ...). */
  readonly decode?: Readonly<Record<string, unknown>>
  /** Its Mainbody section instead (null: removed, i.e. no class filter). */
  readonly mainbody?: Readonly<Record<string, unknown>> | null
}

const PROJECT_MODELS = path.join(PROJECT_ROOT, 'models')

/** The package name the variant gets (the base's own when nothing changes). */
export const variantPackage = (v: DetectorVariant): string => (v.decode || v.mainbody !== undefined ? `${v.base}_bench` : v.base)

/** Creates `dir` with links to the project's packages and the variant's package; returns the package name. */
export async function prepareModelsDir(dir: string, variant: DetectorVariant): Promise<string> {
  await mkdir(dir, { recursive: true })
  const name = variantPackage(variant)
  for (const entry of await readdir(PROJECT_MODELS, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== name && entry.name !== variant.base) await symlink(path.join(PROJECT_MODELS, entry.name), path.join(dir, entry.name))
  }
  const doc = parseDocument(await readFile(path.join(PROJECT_MODELS, variant.base, 'manifest.yml'), 'utf8'))
  doc.set('name', name)
  for (const [key, value] of Object.entries(variant.decode ?? {})) doc.setIn(['postprocess', 0, 'PicoDetDecode', key], value)
  if (variant.mainbody !== undefined) {
    const list = doc.get('postprocess') as { items: Array<{ has(key: string): boolean }> }
    const at = list.items.findIndex((entry) => entry.has('Mainbody'))
    if (at >= 0) doc.deleteIn(['postprocess', at])
    if (variant.mainbody) doc.addIn(['postprocess'], { Mainbody: variant.mainbody })
  }
  await mkdir(path.join(dir, name))
  await writeFile(path.join(dir, name, 'manifest.yml'), doc.toString())
  return name
}
