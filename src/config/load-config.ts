/**
 * Read → environment → validate → freeze serving.yml once at start-up. A bad key or value is a
 * ConfigError naming the file and the key path (`services.ocr.ops.det.batch_size: ...`).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigError } from '../engine/errors.js'
import { TASKS } from '../tasks/registry.js'
import type { AnyTask } from '../tasks/task.js'
import { applyEnvironment, envOverrides } from './environment.js'
import { formatIssues } from './format-issues.js'
import { servingConfigSchema, type ServingConfig } from './schema.js'

export const DEFAULT_CONFIG_PATH = 'config/serving.yml'

export interface LoadedConfig {
  readonly config: Readonly<ServingConfig>
  /** Absolute path of the file read; relative paths in the config resolve against the project root. */
  readonly file: string
}

/**
 * Validates raw config values for `tasks` (the registry's by default; tests add their own). The
 * type is the registry's: another task's section is read through its own definition's schema.
 */
export function parseConfig(raw: unknown, file: string, tasks: readonly AnyTask[] = TASKS): ServingConfig {
  const result = servingConfigSchema(tasks).safeParse(raw ?? {})
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues))
  return result.data as ServingConfig
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

export async function loadConfig(
  file = DEFAULT_CONFIG_PATH,
  env: NodeJS.ProcessEnv = process.env,
  tasks: readonly AnyTask[] = TASKS,
): Promise<LoadedConfig> {
  const absolute = path.resolve(file)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read config ${absolute}: ${(error as Error).message}`, { cause: error })
  }
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (error) {
    throw new ConfigError(`config ${absolute} is not valid YAML: ${(error as Error).message}`, { cause: error })
  }
  const config = parseConfig(applyEnvironment(raw, env, envOverrides(tasks)), absolute, tasks)
  return { config: deepFreeze(config), file: absolute }
}

/** The config as it runs, for the start-up log and `serve --print-config`: secrets replaced. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (!value || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, /token|secret|password/i.test(key) && inner !== null ? '<redacted>' : redactSecrets(inner)]),
  )
}
