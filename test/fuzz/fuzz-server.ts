/**
 * The server the fuzz suite attacks: the real HTTP server and every protocol adapter over the fake
 * OCR sessions (../helpers/fake-ocr-sessions.ts), with OCR and classification (the text_direction
 * package of ../helpers/classifier-package.ts, also on a fake session) and recognition disabled
 * (it needs faiss and real models). Models and the index folder are in one temp folder; snapshots
 * of the project tree and the temp dir tell whether a request wrote a file anywhere else.
 */
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { TEXT_DIRECTION_MANIFEST } from '../helpers/classifier-package.js'
import { OCR_PACKAGES } from '../helpers/fake-ocr-server.js'
import { fakeOcrSessions } from '../helpers/fake-ocr-sessions.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

export interface FuzzEnv {
  readonly server: TestServer
  readonly root: string
  /** The configured index folder: the only place requests may write to. */
  readonly indexesDir: string
  close(): Promise<void>
}

export async function startFuzzServer(): Promise<FuzzEnv> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-fuzz-'))
  const modelsDir = path.join(root, 'models')
  const indexesDir = path.join(root, 'index')
  for (const name of OCR_PACKAGES) {
    await mkdir(path.join(modelsDir, name), { recursive: true })
    await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
  }
  await mkdir(path.join(modelsDir, 'text_direction'))
  await writeFile(path.join(modelsDir, 'text_direction', 'manifest.yml'), TEXT_DIRECTION_MANIFEST)
  await writeFile(path.join(modelsDir, 'text_direction', 'labels.txt'), '0 0\n1 180\n')
  await mkdir(indexesDir)
  const server = await startTestServer(
    {
      models: { dir: modelsDir, auto_pull: false },
      services: { ocr: { enabled: true }, classify: { enabled: true, default_model: 'text_direction' }, recognize: { enabled: false, indexes_dir: indexesDir } },
    },
    { sessionFactory: fakeOcrSessions({ ms: 0 }) },
  )
  return {
    server,
    root,
    indexesDir,
    async close() {
      await server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** path → "size mtime" of every file under `dir`, skipping the named folders. */
async function walk(dir: string, skip: ReadonlySet<string>, into: Map<string, string>): Promise<Map<string, string>> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return into
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (skip.has(full)) continue
    if (entry.isDirectory()) await walk(full, skip, into)
    else {
      const info = await stat(full).catch(() => undefined)
      into.set(full, info ? `${info.size} ${info.mtimeMs}` : 'gone')
    }
  }
  return into
}

export interface FileSnapshot {
  readonly project: Map<string, string>
  readonly fuzzRoot: Map<string, string>
  readonly tmpEntries: Set<string>
}

/**
 * The project tree (without node_modules, .git, and bench/, which other sessions edit meanwhile),
 * the fuzz root but its index folder, the temp dir's entries.
 */
export async function snapshotFiles(env: FuzzEnv): Promise<FileSnapshot> {
  const projectSkip = new Set(['node_modules', '.git', 'bench'].map((d) => path.join(PROJECT_ROOT, d)))
  return {
    project: await walk(PROJECT_ROOT, projectSkip, new Map()),
    fuzzRoot: await walk(env.root, new Set([env.indexesDir]), new Map()),
    tmpEntries: new Set(await readdir(os.tmpdir())),
  }
}

/** Files that appeared or changed between two snapshots; new temp-dir entries are listed apart. */
export function fileChanges(before: FileSnapshot, after: FileSnapshot): { written: string[]; newTmpEntries: string[] } {
  const written: string[] = []
  for (const which of ['project', 'fuzzRoot'] as const) {
    for (const [file, sig] of after[which]) if (before[which].get(file) !== sig) written.push(file)
  }
  const newTmpEntries = [...after.tmpEntries].filter((e) => !before.tmpEntries.has(e))
  return { written, newTmpEntries }
}
