/**
 * Environment variables that override config keys, applied to the file's values before they are
 * validated (so an override is checked like the key it replaces). Server-wide ones are listed
 * here; a task declares its own in its definition (`env`).
 */
import { ConfigError } from '../engine/errors.js'
import { MIRROR_ENV } from '../runtime/pull/mirror.js'
import type { AnyTask } from '../tasks/task.js'

export interface EnvOverride {
  readonly variable: string
  readonly path: readonly string[]
  readonly parse?: (text: string) => unknown
}

function portNumber(text: string): number {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`environment PORT=${JSON.stringify(text)} is not a port number (0-65535)`)
  }
  return port
}

const SERVER_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'PORT', path: ['server', 'port'], parse: portNumber },
  { variable: MIRROR_ENV, path: ['models', 'mirror'] },
  { variable: 'PPSERVE_KSERVE_TOKEN', path: ['protocols', 'kserve', 'repository_token'] },
]

export function envOverrides(tasks: readonly AnyTask[]): EnvOverride[] {
  const ofTasks = tasks.flatMap((task) =>
    Object.entries(task.env ?? {}).map(([variable, path]) => ({ variable, path: ['services', task.name, ...path] })),
  )
  return [...SERVER_OVERRIDES, ...ofTasks]
}

/** A copy of `raw` with every set (non-empty) variable written at its key path. */
export function applyEnvironment(raw: unknown, env: NodeJS.ProcessEnv, overrides: readonly EnvOverride[]): unknown {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) return raw // validation says what is wrong
  const root = structuredClone((raw ?? {}) as Record<string, unknown>)
  for (const { variable, path, parse } of overrides) {
    const text = env[variable]
    if (text === undefined || text === '') continue
    let node = root
    for (const key of path.slice(0, -1)) {
      const next = node[key]
      node = (node[key] = next && typeof next === 'object' ? next : {}) as Record<string, unknown>
    }
    node[path[path.length - 1]!] = parse ? parse(text) : text
  }
  return root
}
