/**
 * Atomic generations in a gallery folder. Each generation is a complete folder `gen-NNNNNN/`;
 * the one in use is named by the file CURRENT. A change writes a new generation folder, fsyncs
 * its files and the folder, then replaces CURRENT by rename (atomic on POSIX) and fsyncs the
 * gallery folder. A crash at any moment therefore leaves CURRENT naming either the old or the
 * new complete generation, never a mix; unfinished folders are removed by the next writer.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { IndexFileError } from './errors.js'

const CURRENT = 'CURRENT'
const GENERATION = /^gen-(\d{6,})$/

export function generationName(generation: number): string {
  return `gen-${String(generation).padStart(6, '0')}`
}

export function generationDir(dir: string, generation: number): string {
  return path.join(dir, generationName(generation))
}

/** The generation CURRENT names, or null when the folder has no CURRENT (no gallery yet). */
export async function readCurrent(dir: string): Promise<number | null> {
  let text: string
  try {
    text = await readFile(path.join(dir, CURRENT), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const match = GENERATION.exec(text.trim())
  if (!match) throw new IndexFileError(`${path.join(dir, CURRENT)} does not name a generation folder (gen-NNNNNN): ${JSON.stringify(text.slice(0, 40))}`)
  return Number(match[1])
}

/** fsync a file or a folder (a folder's fsync makes the names in it durable). */
export async function syncPath(target: string): Promise<void> {
  const handle = await open(target, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Writes a file and fsyncs it before returning. */
export async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Creates the folder of `generation` (replacing an unfinished one a crash left), lets `fill`
 * write the files, then fsyncs every file and the folder. CURRENT is not touched.
 */
export async function writeGeneration(dir: string, generation: number, fill: (genDir: string) => Promise<void>): Promise<string> {
  const genDir = generationDir(dir, generation)
  await rm(genDir, { recursive: true, force: true })
  await mkdir(genDir, { recursive: true })
  await fill(genDir)
  for (const name of await readdir(genDir)) await syncPath(path.join(genDir, name))
  await syncPath(genDir)
  return genDir
}

/** Points CURRENT at `generation` with one atomic rename, made durable. */
export async function switchCurrent(dir: string, generation: number): Promise<void> {
  const temp = path.join(dir, `${CURRENT}.tmp-${process.pid}`)
  await writeDurable(temp, generationName(generation) + '\n')
  await rename(temp, path.join(dir, CURRENT))
  await syncPath(dir)
}

/** Removes every generation folder but `keep`, and temp files a crashed writer left. */
export async function removeOtherGenerations(dir: string, keep: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const stale = (GENERATION.test(name) && name !== generationName(keep)) || name.startsWith(`${CURRENT}.tmp-`)
    if (stale) await rm(path.join(dir, name), { recursive: true, force: true })
  }
}
