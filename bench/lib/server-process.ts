/**
 * The server under test as a separate child process (`node --import tsx src/cli/main.ts serve`),
 * so its CPU time and memory are its own and the load generator does not share its event loop.
 * Optionally pinned to some cores with `taskset` (which execs node: the child's pid is the
 * server's). Every child is killed when the benchmark exits, fails or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { stringify } from 'yaml'
import { benchConfigRaw, freePort, PROJECT_ROOT } from './bench-config.js'
import { progress, progressDone } from './progress.js'

export interface ServerProcess {
  readonly pid: number
  readonly url: string
  readonly port: number
  /** The server's stdout and stderr (removed by stop()). */
  readonly logFile: string
  /** Seconds from spawn until /readyz answered 200. */
  readonly readyAfterS: number
  stop(): Promise<void>
}

export interface StartOptions {
  readonly label: string
  /** `taskset -c` core list, e.g. `0` or `0,1`; undefined = not pinned. */
  readonly cpus?: string
  readonly readyTimeoutS?: number
  /** Extra environment of the server (over the defaults below), to compare settings. */
  readonly env?: Readonly<Record<string, string>>
  /** `services.recognize.indexes_dir` instead of the project's index/: for runs whose requests may change galleries. */
  readonly indexesDir?: string
  /** Changes to the config object before it is written (settings only the config has, e.g. the detector). */
  readonly patchConfig?: (raw: Record<string, unknown>) => void
}

const live = new Set<ChildProcess>()
/** Temporary config/log folders of servers not yet stopped. */
const folders = new Set<string>()
let handlersInstalled = false

/** On exit (normal, error) and on Ctrl-C / SIGTERM, no server is left behind. */
function installHandlers(): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL')
    for (const dir of folders) rmSync(dir, { recursive: true, force: true })
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      progressDone()
      console.error(`${signal}: stopping ${live.size} server process(es)`)
      for (const child of live) child.kill('SIGKILL')
      process.exit(130)
    })
  }
}

function logTail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
    await response.arrayBuffer()
    return response.status === 200
  } catch {
    return false
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  installHandlers()
  const port = await freePort()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-bench-'))
  folders.add(dir)
  const configFile = path.join(dir, 'serving.yml')
  const raw = await benchConfigRaw(port)
  if (options.indexesDir !== undefined) ((raw.services as Record<string, Record<string, unknown>>).recognize!).indexes_dir = options.indexesDir
  options.patchConfig?.(raw)
  await writeFile(configFile, stringify(raw))
  const logFile = path.join(dir, 'server.log')
  const log = openSync(logFile, 'a')
  const node = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configFile, '--port', String(port)]
  const [command, ...args] = options.cpus === undefined ? node : ['taskset', '-c', options.cpus, ...node]
  // The YAML is the whole config: environment overrides of its keys would change what is measured.
  const env = { ...process.env }
  delete env.PORT
  delete env.PPSERVE_MIRROR
  // As `npm start` runs it: fewer glibc malloc arenas for the model worker threads (README).
  env.MALLOC_ARENA_MAX ??= '2'
  Object.assign(env, options.env) // asked for explicitly, so it wins over the removals and defaults above
  const child = spawn(command!, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', log, log] })
  closeSync(log)
  live.add(child)
  child.once('exit', () => live.delete(child))
  const url = `http://127.0.0.1:${port}`

  const stop = async (): Promise<void> => {
    if (live.has(child)) {
      child.kill('SIGTERM') // graceful: the server drains and releases its models
      if (!(await waitForExit(child, 20_000))) child.kill('SIGKILL')
      await waitForExit(child, 5_000)
    }
    live.delete(child)
    await rm(dir, { recursive: true, force: true })
    folders.delete(dir)
  }

  const started = performance.now()
  const timeoutS = options.readyTimeoutS ?? 300
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server (${options.label}) exited with ${child.exitCode ?? child.signalCode} before ready:\n${logTail(logFile, 20)}`)
      }
      if (await isReady(url)) break
      const elapsed = (performance.now() - started) / 1000
      if (elapsed > timeoutS) throw new Error(`server (${options.label}) not ready after ${timeoutS} s:\n${logTail(logFile, 20)}`)
      // The first start may pull models and build the gallery index: show what it is doing.
      const last = logTail(logFile, 1).replace(/^\S+\s+\w+\s+/, '').slice(0, 100)
      progress(`server (${options.label}, pid ${child.pid}): waiting for /readyz, ${elapsed.toFixed(0)} s — ${last}`)
      await sleep(500)
    }
  } catch (error) {
    progressDone()
    await stop()
    throw error
  }
  const readyAfterS = (performance.now() - started) / 1000
  progress(`server (${options.label}, pid ${child.pid}) ready on ${url} after ${readyAfterS.toFixed(1)} s`)
  progressDone()
  return { pid: child.pid!, url, port, logFile, readyAfterS, stop }
}
