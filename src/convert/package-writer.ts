/**
 * Writes a model package folder atomically: everything goes into a temporary folder beside the
 * target, which is then renamed into place, so a failure never leaves a half-written package.
 * An existing package is replaced only when asked (`force`), and only after the new one is complete.
 */
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ConversionError } from './errors.js'

export function assertWritable(dir: string, force: boolean): void {
  if (existsSync(dir) && !force) throw new ConversionError(`${dir} already exists; pass --force to replace it`)
}

export async function writePackage(dir: string, files: Readonly<Record<string, Uint8Array | string>>, force: boolean): Promise<void> {
  assertWritable(dir, force)
  const parent = path.dirname(path.resolve(dir))
  await mkdir(parent, { recursive: true })
  const staging = await mkdtemp(path.join(parent, `.${path.basename(dir)}.tmp-`))
  try {
    await chmod(staging, 0o755) // mkdtemp creates it private; a package folder is an ordinary folder
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(staging, name), content)
    if (existsSync(dir)) {
      const old = `${staging}-old`
      await rename(dir, old)
      await rename(staging, dir)
      await rm(old, { recursive: true, force: true })
    } else {
      await rename(staging, dir)
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw new ConversionError(`cannot write ${dir}: ${(error as Error).message}`, { cause: error })
  }
}
