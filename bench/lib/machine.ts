/** What the numbers were measured on, printed with every result. */
import os from 'node:os'

export interface MachineInfo {
  readonly cpu: string
  readonly cores: number
  readonly node: string
  readonly platform: string
  /** 1, 5 and 15 minute load averages: other processes competing for the CPU skew the numbers. */
  readonly loadAverage: readonly [number, number, number]
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  const [one = 0, five = 0, fifteen = 0] = os.loadavg()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: [one, five, fifteen],
  }
}

export function formatLoad([one, five, fifteen]: readonly number[]): string {
  return [one, five, fifteen].map((n) => (n ?? 0).toFixed(2)).join(' ')
}
