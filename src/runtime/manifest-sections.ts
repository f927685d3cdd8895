/**
 * Pre/postprocess sections of a model manifest (`- Topk: {...}`) are owned by the code that runs
 * them: the generic image ops by the runtime (IMAGE_SECTIONS), the others by their task folder
 * (`Topk` by classification, `PicoDetDecode` by detection, ...). The runtime only knows their
 * names and schemas, handed to it by the task registry: a package is checked against the whole
 * list at load, and each owner reads its typed value with readSection.
 */
import path from 'node:path'
import type { z } from 'zod'
import { ConfigError } from '../engine/errors.js'
import { IMAGE_SECTIONS } from './image-sections.js'
import { MANIFEST_FILE } from './manifest.js'
import type { ModelPackage } from './model-package.js'

export interface ManifestSection<Name extends string = string, T = unknown> {
  /** The section's key in the manifest list, e.g. `Topk`. */
  readonly name: Name
  readonly stage: 'preprocess' | 'postprocess'
  readonly schema: z.ZodType<T>
}

export { IMAGE_SECTIONS }

export type SectionStage = ManifestSection['stage']

/** One entry of a manifest's `preprocess` / `postprocess` list: `{ Name: params }`. */
export type SectionEntry = Readonly<Record<string, unknown>>

/** The manifest lists a package's sections live in. */
export interface SectionLists {
  readonly preprocess: readonly SectionEntry[]
  readonly postprocess: readonly SectionEntry[]
}

const STAGES: readonly SectionStage[] = ['preprocess', 'postprocess']

/** A section with its types stated once, for a task's `manifest-sections.ts`. */
export function defineSection<const Name extends string, T>(name: Name, stage: SectionStage, schema: z.ZodType<T, unknown>): ManifestSection<Name, T> {
  return Object.freeze({ name, stage, schema })
}

export function sectionName(entry: SectionEntry): string {
  return Object.keys(entry)[0]!
}

export function manifestFileOf(pkg: Pick<ModelPackage, 'dir'>): string {
  return path.join(pkg.dir, MANIFEST_FILE)
}

/** Validates one section's parameters; `where` (`…/manifest.yml: postprocess[1]`) prefixes each problem. */
export function parseSectionValue<T>(section: ManifestSection<string, T>, value: unknown, where: string): T {
  // `- ToCHWImage:` (or `- DetResizeForTest:`) reads as null: a section with every default.
  const result = section.schema.safeParse(value ?? {})
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const key = [section.name, ...issue.path.map(String)].join('.')
    const detail = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message
    return `${where}.${key}: ${detail}`
  })
  throw new ConfigError(problems.join('\n'))
}

/**
 * The typed value of `section` in a list (the one of its stage), or undefined when it is absent.
 * A section may appear once; `file` names the manifest in errors.
 */
export function readSectionIn<T>(entries: readonly SectionEntry[], section: ManifestSection<string, T>, file: string): T | undefined {
  const found = entries.flatMap((entry, index) => (sectionName(entry) === section.name ? [index] : []))
  if (found.length === 0) return undefined
  if (found.length > 1) throw new ConfigError(`${file}: ${section.stage}: at most one ${section.name} (found at ${found.join(', ')})`)
  const index = found[0]!
  return parseSectionValue(section, entries[index]![section.name], `${file}: ${section.stage}[${index}]`)
}

/** A package's typed `section`, or undefined when its manifest has none. */
export function readSection<T>(pkg: Pick<ModelPackage, 'dir' | 'manifest'>, section: ManifestSection<string, T>): T | undefined {
  const file = manifestFileOf(pkg)
  const otherStage = section.stage === 'preprocess' ? 'postprocess' : 'preprocess'
  const misplaced = pkg.manifest[otherStage].findIndex((entry) => sectionName(entry) === section.name)
  if (misplaced >= 0) throw new ConfigError(`${file}: ${otherStage}[${misplaced}]: ${section.name} belongs in ${section.stage}`)
  return readSectionIn(pkg.manifest[section.stage], section, file)
}

/** readSection for a section the package cannot work without; `user` says who needs it. */
export function requireSection<T>(pkg: Pick<ModelPackage, 'dir' | 'manifest'>, section: ManifestSection<string, T>, user = 'this model'): T {
  const value = readSection(pkg, section)
  if (value === undefined) throw new ConfigError(`${manifestFileOf(pkg)}: ${user} needs a ${section.name} ${section.stage}`)
  return value
}

/** Sections by name; one name registered twice by different owners is a programming error. */
function sectionTable(sections: readonly ManifestSection[]): Map<string, ManifestSection> {
  const table = new Map<string, ManifestSection>()
  for (const section of sections) {
    const known = table.get(section.name)
    if (known && known !== section) throw new Error(`manifest section ${section.name} is registered twice`)
    table.set(section.name, section)
  }
  return table
}

/**
 * Checks a manifest's section lists at load. With `strict` (the task registry passed every known
 * section), an unknown name is an error; without it only the known sections are checked, and the
 * rest is left to their owners' readSection. A section in the wrong list, or with bad parameters,
 * is always an error. Every problem is reported, each naming the file, the list index and the name.
 */
export function checkSections(lists: SectionLists, sections: readonly ManifestSection[], file: string, strict: boolean): void {
  const table = sectionTable([...IMAGE_SECTIONS, ...sections])
  const problems: string[] = []
  for (const stage of STAGES) {
    const names = [...table.values()].filter((s) => s.stage === stage).map((s) => s.name)
    lists[stage].forEach((entry, index) => {
      const name = sectionName(entry)
      const at = `${file}: ${stage}[${index}]`
      const section = table.get(name)
      if (!section) {
        if (strict) problems.push(`${at}: unknown section "${name}" (known: ${names.join(', ')})`)
      } else if (section.stage !== stage) {
        problems.push(`${at}: ${name} is a ${section.stage} section, not a ${stage} one`)
      } else {
        try {
          parseSectionValue(section, entry[name], at)
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error
          problems.push(error.message)
        }
      }
    })
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
}
