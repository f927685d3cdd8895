/**
 * Core scaling of /ocr: a fresh server pinned with `taskset` to core 0, then to cores 0 and 1
 * (the server sizes itself from os.availableParallelism(), which follows the affinity mask).
 * The load generator is not pinned: with one server core it has the other to itself.
 */
import os from 'node:os'
import type { BenchImage } from './images.js'
import { runHttpLoad } from './http-load.js'
import { cycleJobs, formatErrors, runLevel, type LevelResult } from './load-level.js'
import { startServer } from './server-process.js'
import { formatTable, ms } from './table.js'

export interface CoresRow {
  /** The taskset core list. */
  readonly cpus: string
  readonly cores: number
  readonly readyAfterS: number
  readonly c1: LevelResult
  readonly c4: LevelResult
}

/** `0`, then `0,1` (only the sets this machine has). */
export function coreSets(): string[] {
  return os.availableParallelism() >= 2 ? ['0', '0,1'] : ['0']
}

export async function runCores(images: readonly BenchImage[], c1Requests: number, c4Requests: number): Promise<CoresRow[]> {
  const rows: CoresRow[] = []
  for (const cpus of coreSets()) {
    const server = await startServer({ label: `taskset -c ${cpus}`, cpus })
    try {
      const warm = await runHttpLoad(`cores ${cpus} warm-up`, server.url, images, 1, '/ocr')
      if (warm.failures.length > 0) throw new Error(`cores ${cpus} warm-up failed: ${warm.failures.join('; ')}`)
      const c1 = await runLevel(server, `cores ${cpus} c=1`, '/ocr', cycleJobs(images, c1Requests), 1)
      const c4 = await runLevel(server, `cores ${cpus} c=4`, '/ocr', cycleJobs(images, c4Requests), 4)
      rows.push({ cpus, cores: c1.serverCores, readyAfterS: server.readyAfterS, c1, c4 })
    } finally {
      await server.stop()
    }
  }
  return rows
}

export function formatCores(rows: readonly CoresRow[]): string {
  const base = rows[0]
  return formatTable(
    ['server cores', 'c=1 p50 ms', 'c=1 img/s', 'c=4 img/s', 'c=4 p50 ms', 'c=4 / c=1', 'c=4 vs 1 core', 'server cpu % (c=4)', 'errors'],
    rows.map((row) => [
      `${row.cores} (taskset -c ${row.cpus})`,
      ms(row.c1.stats.p50Ms),
      row.c1.stats.imagesPerS.toFixed(2),
      row.c4.stats.imagesPerS.toFixed(2),
      ms(row.c4.stats.p50Ms),
      `${(row.c4.stats.imagesPerS / row.c1.stats.imagesPerS).toFixed(2)}×`,
      base ? `${(row.c4.stats.imagesPerS / base.c4.stats.imagesPerS).toFixed(2)}×` : '-',
      `${row.c4.serverCorePct.toFixed(0)} of ${row.cores * 100}`,
      formatErrors(sumStatuses(row.c1.statuses, row.c4.statuses)),
    ]),
  )
}

function sumStatuses(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum: Record<string, number> = { ...a }
  for (const [status, n] of Object.entries(b)) sum[status] = (sum[status] ?? 0) + n
  return sum
}
