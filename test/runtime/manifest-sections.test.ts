/**
 * Manifest sections owned by their tasks: a package is checked against every known section at
 * load (unknown name, wrong list, bad parameters each name the file, the index and the section),
 * and each owner reads its typed value with readSection / requireSection.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError } from '../../src/engine/errors.js'
import { readSection, requireSection } from '../../src/runtime/manifest-sections.js'
import { loadModelPackage, normalizationOf } from '../../src/runtime/model-package.js'
import { TopkSection } from '../../src/tasks/classification/manifest-sections.js'
import { DBPostProcessSection } from '../../src/tasks/ocr/manifest-sections.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { KNOWN_SECTIONS } from './known-sections.js'

const IMAGE_OPS = `preprocess:
  - ResizeImage: { size: 8 }
  - NormalizeImage: { scale: 1.0/255.0, mean: [0, 0, 0], std: [1, 1, 1] }
  - ToCHWImage:
`

async function packageWith(name: string, sections: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'ppserve-sections-')), name)
  await mkdir(dir)
  const manifest = `name: ${name}
feeds: [{ name: x, alias: image, shape: [-1, 3, 8, 8] }]
fetches: [{ name: y, alias: prediction, shape: [-1, 2] }]
files: { class_id_map: labels.txt }
${sections}`
  await writeFile(path.join(dir, 'manifest.yml'), manifest)
  return dir
}

/** Asserts a ConfigError whose message matches every pattern. */
const configError =
  (...patterns: RegExp[]) =>
  (error: unknown): boolean => {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${String(error)}`)
    for (const pattern of patterns) assert.match(error.message, pattern)
    return true
  }

describe('manifest sections at package load, with every known section', () => {
  it('loads every shipped package', async () => {
    const names = await readdir(path.join(PROJECT_ROOT, 'models'))
    for (const name of names) await loadModelPackage(path.join(PROJECT_ROOT, 'models', name), KNOWN_SECTIONS)
    assert.ok(names.length >= 10)
  })

  it('refuses an unknown section name, naming the file, the index and the known ones', async () => {
    const dir = await packageWith('typo', `${IMAGE_OPS}postprocess:\n  - Topk: { class_id_map_file: class_id_map }\n  - Topkk: { topk: 5 }\n`)
    await assert.rejects(
      loadModelPackage(dir, KNOWN_SECTIONS),
      configError(
        new RegExp(`^${path.join(dir, 'manifest.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: postprocess\\[1\\]: unknown section "Topkk" \\(known: `),
        /known: [^)]*\bTopk\b.*\bPicoDetDecode\b.*\bFeaturePool\b.*\bClsPostProcess\b/,
      ),
    )
    // Without the registry's list the load leaves task sections to their owners.
    await loadModelPackage(dir)
  })

  it('refuses a section in the wrong list', async () => {
    const dir = await packageWith('stage', `preprocess:\n  - Topk: { class_id_map_file: class_id_map }\n  - NormalizeImage: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }\n  - ToCHWImage:\n`)
    await assert.rejects(loadModelPackage(dir, KNOWN_SECTIONS), configError(/manifest\.yml: preprocess\[0\]: Topk is a postprocess section, not a preprocess one/))
    const pkg = await loadModelPackage(dir)
    assert.throws(() => readSection(pkg, TopkSection), configError(/manifest\.yml: preprocess\[0\]: Topk belongs in postprocess/))
  })

  it('refuses bad parameters, naming the key path; every problem is listed', async () => {
    const dir = await packageWith('values', `${IMAGE_OPS}postprocess:\n  - Topk: { topk: 0, class_id_map_file: class_id_map, sofmax: true }\n`)
    await assert.rejects(
      loadModelPackage(dir, KNOWN_SECTIONS),
      configError(/manifest\.yml: postprocess\[0\]\.Topk\.topk: /, /manifest\.yml: postprocess\[0\]\.Topk: unknown key sofmax/),
    )
    const pkg = await loadModelPackage(dir)
    assert.throws(() => readSection(pkg, TopkSection), configError(/postprocess\[0\]\.Topk\.topk: /))
  })

  it('checks the runtime’s own image ops even without the list', async () => {
    const dir = await packageWith('image', `preprocess:\n  - NormalizeImage: { scale: 1.0/255.0, mean: [0, 0] }\n  - ToCHWImage:\n`)
    await assert.rejects(loadModelPackage(dir), configError(/preprocess\[0\]\.NormalizeImage\.mean: /, /preprocess\[0\]\.NormalizeImage\.std: /))
  })

  it('refuses an entry that is not one `- Name: {...}`', async () => {
    const dir = await packageWith('shape', `preprocess:\n  - { ResizeImage: { size: 8 }, ToCHWImage: null }\n`)
    await assert.rejects(loadModelPackage(dir), /preprocess\.0: each entry is one section/)
  })
})

describe('readSection / requireSection', () => {
  it('gives the typed value with defaults applied, or undefined when absent', async () => {
    const pkg = await loadModelPackage(await packageWith('typed', `${IMAGE_OPS}postprocess:\n  - Topk: { class_id_map_file: class_id_map }\n`), KNOWN_SECTIONS)
    assert.deepEqual(readSection(pkg, TopkSection), { topk: 5, softmax: false, class_id_map_file: 'class_id_map' })
    assert.equal(readSection(pkg, DBPostProcessSection), undefined)
    assert.equal(normalizationOf(pkg).scale, 1 / 255)
    assert.throws(() => requireSection(pkg, DBPostProcessSection, 'a text detector'), configError(/manifest\.yml: a text detector needs a DBPostProcess postprocess/))
  })

  it('a section a package may hold once is refused twice', async () => {
    const pkg = await loadModelPackage(
      await packageWith('twice', `${IMAGE_OPS}postprocess:\n  - Topk: { class_id_map_file: class_id_map }\n  - Topk: { class_id_map_file: class_id_map }\n`),
      KNOWN_SECTIONS,
    )
    assert.throws(() => readSection(pkg, TopkSection), configError(/postprocess: at most one Topk \(found at 0, 1\)/))
  })
})
