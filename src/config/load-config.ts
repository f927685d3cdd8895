/**
 * Read → parse → validate → freeze serving.yml once at start-up. A bad key or value is a
 * ConfigError naming the file and the key path (`services.ocr.ops.det.batch_size: ...`).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { ConfigError } from '../engine/errors.js'
import { ServingConfigSchema, type ServingConfig } from './schema.js'

export const DEFAULT_CONFIG_PATH = 'config/serving.yml'

export interface LoadedConfig {
  readonly config: Readonly<ServingConfig>
  /** Absolute path of the file read; relative paths in the config resolve against the project root. */
  readonly file: string
}

export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (where === '(top level)' ? key : `${where}.${key}`))
      return `  ${keys.join(', ')}: unknown key`
    }
    return `  ${where}: ${issue.message}`
  })
  return `invalid config ${file}:\n${lines.join('\n')}`
}

export function parseConfig(raw: unknown, file: string): ServingConfig {
  const result = ServingConfigSchema.safeParse(raw ?? {})
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues))
  return result.data
}

/** Applies the environment overrides users expect from a server: PORT. */
function applyEnvironment(config: ServingConfig, env: NodeJS.ProcessEnv): ServingConfig {
  if (env.PORT === undefined || env.PORT === '') return config
  const port = Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`environment PORT=${JSON.stringify(env.PORT)} is not a port number (0-65535)`)
  }
  return { ...config, server: { ...config.server, port } }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

export async function loadConfig(file = DEFAULT_CONFIG_PATH, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
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
  const config = applyEnvironment(parseConfig(raw, absolute), env)
  return { config: deepFreeze(config), file: absolute }
}
