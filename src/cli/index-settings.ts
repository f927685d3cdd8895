/**
 * What every `ppserve index` sub-command resolves first: the serving config (its defaults), the
 * indexes and models folders, the mirror, and the folder of the named index.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from '../config/load-config.js'
import type { ServingConfig } from '../config/schema.js'
import { RetrievalUnavailable } from '../retrieval/errors.js'
import { faissUnavailableReason } from '../retrieval/faiss-loader.js'
import { mirrorFromEnv } from '../runtime/pull/index.js'
import { INDEX_NAME } from '../tasks/recognition/gallery.js'
import { UsageError } from './usage-error.js'

/** The server's rule for index names (recognition-service.ts), so every index built here can be served. */

export interface CommonValues {
  readonly name?: string | undefined
  readonly config?: string | undefined
  readonly 'indexes-dir'?: string | undefined
  readonly 'models-dir'?: string | undefined
  readonly mirror?: string | undefined
}

export interface IndexSettings {
  readonly config: Readonly<ServingConfig>
  /** The index's name and folder. */
  readonly name: string
  readonly dir: string
  readonly modelsDir: string
  readonly mirror: string | undefined
}

async function readConfig(file: string | undefined): Promise<Readonly<ServingConfig>> {
  if (file !== undefined) return (await loadConfig(file)).config
  // Without --config, the project's config when there is one (as serve), else the built-in defaults.
  if (existsSync(DEFAULT_CONFIG_PATH)) return (await loadConfig(DEFAULT_CONFIG_PATH)).config
  return parseConfig({}, '(built-in defaults)')
}

export async function resolveIndexSettings(values: CommonValues): Promise<IndexSettings> {
  const name = values.name
  if (name === undefined) throw new UsageError('--name NAME is required')
  if (!INDEX_NAME.test(name)) throw new UsageError(`invalid index name ${JSON.stringify(name)}: letters, digits, _ . - (64 at most, starting with a letter or digit)`)
  const config = await readConfig(values.config)
  const indexesDir = values['indexes-dir'] ?? config.services.recognize.indexes_dir
  return {
    config,
    name,
    dir: path.join(indexesDir, name),
    modelsDir: values['models-dir'] ?? config.models.dir,
    mirror: values.mirror ?? mirrorFromEnv() ?? config.models.mirror ?? undefined,
  }
}

/** Every sub-command works on faiss indexes: fail first, with the reason, when faiss-node does not load. */
export function requireFaiss(): void {
  const reason = faissUnavailableReason()
  if (reason) throw new RetrievalUnavailable(reason)
}
