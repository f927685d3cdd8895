/**
 * Runs a build step's command with its output on stderr: npm shows a root package's install
 * script output live, and stdout stays free for whatever called `npm install`.
 */
import { spawnSync } from 'node:child_process'

export interface CommandResult {
  readonly ok: boolean
  /** What went wrong, for the summary line; empty when ok. */
  readonly problem: string
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', process.stderr, process.stderr],
    timeout: options.timeoutMs,
  })
  if (result.error) return { ok: false, problem: `${command} could not run: ${result.error.message}` }
  if (result.signal) return { ok: false, problem: `${command} was killed by ${result.signal}` }
  if (result.status !== 0) return { ok: false, problem: `${command} ${args.join(' ')} exited with ${result.status}` }
  return { ok: true, problem: '' }
}

/** First line of a command's stdout, or null when it cannot run or fails (a capability probe). */
export function probeCommand(command: string, args: readonly string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  if (result.error || result.status !== 0) return null
  return result.stdout.trim()
}
