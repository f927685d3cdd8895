/**
 * The serving config the load and soak benchmarks use: config/serving.yml as shipped, with only
 * what must differ for a benchmark changed — loopback host, a free port, and every path absolute
 * (the server child reads its config from a temporary folder).
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { parseConfig } from '../../src/config/load-config.js'
import type { ServingConfig } from '../../src/config/schema.js'
import { TASKS } from '../../src/tasks/registry.js'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const ASSETS_DIR = path.resolve(PROJECT_ROOT, '../shared/assets')
export const SERVING_YML = path.join(PROJECT_ROOT, 'config/serving.yml')

type Raw = Record<string, unknown>

/** The object at `keys` inside `raw`, created when the YAML leaves it out. */
function sectionAt(raw: Raw, keys: readonly string[]): Raw {
  let node = raw
  for (const key of keys) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {}
    node = node[key] as Raw
  }
  return node
}

const absolute = (value: unknown, fallback: string): string =>
  path.resolve(PROJECT_ROOT, typeof value === 'string' && value !== '' ? value : fallback)

/** config/serving.yml as a plain object, overridden for a benchmark server on 127.0.0.1:`port`. */
export async function benchConfigRaw(port: number): Promise<Raw> {
  const raw = (parse(await readFile(SERVING_YML, 'utf8')) ?? {}) as Raw
  Object.assign(sectionAt(raw, ['server']), { host: '127.0.0.1', port })
  Object.assign(sectionAt(raw, ['models']), { dir: path.join(PROJECT_ROOT, 'models'), mirror: ASSETS_DIR })
  const recognize = sectionAt(raw, ['services', 'recognize'])
  recognize.indexes_dir = path.join(PROJECT_ROOT, 'index')
  if (recognize.build_missing && typeof recognize.build_missing === 'object') {
    const build = recognize.build_missing as Raw
    if (typeof build.data_file === 'string') build.data_file = absolute(build.data_file, '')
    if (typeof build.image_root === 'string') build.image_root = absolute(build.image_root, '')
  }
  return raw
}

/**
 * The same config validated, for services created in the bench process (the floor's feed
 * recording), with only the `keep` tasks enabled so the others' models are not loaded.
 */
export async function benchConfig(keep: readonly string[]): Promise<ServingConfig> {
  const raw = await benchConfigRaw(0)
  const services = sectionAt(raw, ['services'])
  for (const { name } of TASKS) sectionAt(services, [name]).enabled = keep.includes(name)
  return parseConfig(raw, SERVING_YML)
}

/** A port nothing listens on right now (the OS picks it; the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
