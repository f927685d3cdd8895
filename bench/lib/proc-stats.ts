/**
 * What /proc says about the server process (Linux): CPU time of all its threads (the model worker
 * threads included), resident memory, the cores it may run on, and how many client connections
 * are open to its port.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let clockTicks: number | undefined

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on practically every Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** User + system CPU seconds the process has used so far, all threads. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3 (state).
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond()
}

function statusField(pid: number, name: string): string | undefined {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
  return line?.slice(name.length + 1).trim()
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const kb = statusField(pid, 'VmRSS')
  return kb === undefined ? Number.NaN : Number.parseInt(kb, 10) * 1024
}

/** Cores in the process's affinity mask (`Cpus_allowed_list`, e.g. `0-1` → 2). */
export function allowedCores(pid: number): number {
  const list = statusField(pid, 'Cpus_allowed_list') ?? ''
  return list
    .split(',')
    .filter((part) => part !== '')
    .reduce((n, part) => {
      const [from, to = from] = part.split('-').map(Number)
      return n + (to! - from! + 1)
    }, 0)
}

/** Established TCP connections whose remote end is 127.0.0.1:`port`, i.e. client sockets to the server. */
export function connectionsTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  let count = 0
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // cols[2] is rem_address `ADDR:PORT`, cols[3] the state: 01 = ESTABLISHED.
      if (cols[3] === '01' && cols[2]?.endsWith(`:${hexPort}`)) count++
    }
  }
  return count
}

/** CPU used by `pid` between two calls, as % of one core and % of the cores it may use. */
export class CpuMeter {
  readonly #cores: number
  readonly #cpu0: number
  readonly #t0: number

  constructor(private readonly pid: number) {
    this.#cores = allowedCores(pid)
    this.#cpu0 = cpuSeconds(pid)
    this.#t0 = performance.now()
  }

  read(): { corePct: number; budgetPct: number; cores: number } {
    const wallS = (performance.now() - this.#t0) / 1000
    const corePct = wallS > 0 ? ((cpuSeconds(this.pid) - this.#cpu0) / wallS) * 100 : 0
    return { corePct, budgetPct: corePct / Math.max(1, this.#cores), cores: this.#cores }
  }
}
