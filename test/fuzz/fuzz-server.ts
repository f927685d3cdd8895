/**
 * The server the fuzz suite attacks: the real HTTP server and every protocol adapter over fake
 * sessions: OCR (../helpers/fake-ocr-sessions.ts), classification (the text_direction package of
 * ../helpers/classifier-package.ts) and PP-ShiTu recognition (../helpers/fake-recognition-sessions.ts)
 * with a default gallery built on start from generated images (./gallery-seed.ts) and a gallery
 * token. Recognition needs the faiss addon: without it the service stays disabled and
 * `recognitionSkip` says why. Models, gallery sources and the index folder are in one temp
 * folder; snapshots of the project tree and the temp dir tell whether a request wrote a file
 * anywhere else.
 */
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { TEXT_DIRECTION_MANIFEST } from '../helpers/classifier-package.js'
import { OCR_PACKAGES } from '../helpers/fake-ocr-server.js'
import { fakeOcrSessions } from '../helpers/fake-ocr-sessions.js'
import { fakeRecognitionSessions, installFakeRecognitionPackages, isRecognitionModel } from '../helpers/fake-recognition-sessions.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { needsFaiss } from '../retrieval/helpers/needs-faiss.js'
import { DEFAULT_INDEX, seedItems, writeSeedGallery, type SeedItem } from './gallery-seed.js'
import { GALLERY_TOKEN } from './gallery-values.js'

/** Why the recognition families cannot run here (false when they can). */
export const recognitionSkip = needsFaiss

export interface FuzzEnv {
  readonly server: TestServer
  readonly root: string
  /** The configured index folder: the only place requests may write to. */
  readonly indexesDir: string
  /** The default gallery's items, in id order (empty when recognition is skipped). */
  readonly seed: readonly SeedItem[]
  close(): Promise<void>
}

export async function startFuzzServer(): Promise<FuzzEnv> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-fuzz-'))
  // The server runs in this process: with a temp dir of its own, every entry that appears there is
  // the server's (the shared one gets other test files' temp folders meanwhile).
  const sharedTmp = process.env.TMPDIR
  process.env.TMPDIR = path.join(root, 'tmp')
  await mkdir(process.env.TMPDIR)
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
  await installFakeRecognitionPackages(modelsDir)
  const seed = recognitionSkip ? [] : await seedItems()
  const recognize = recognitionSkip
    ? { enabled: false, indexes_dir: indexesDir }
    : { enabled: true, indexes_dir: indexesDir, default_index: DEFAULT_INDEX, build_missing: await writeSeedGallery(path.join(root, 'gallery-src'), seed), gallery: { token: GALLERY_TOKEN } }
  const ocr = fakeOcrSessions({ ms: 0 })
  const recognition = fakeRecognitionSessions()
  const server = await startTestServer(
    {
      models: { dir: modelsDir, auto_pull: false },
      services: { ocr: { enabled: true }, classify: { enabled: true, default_model: 'text_direction' }, recognize },
    },
    { sessionFactory: (modelPath, options, instances) => (isRecognitionModel(modelPath) ? recognition : ocr)(modelPath, options, instances) },
  )
  return {
    server,
    root,
    indexesDir,
    seed,
    async close() {
      await server.close()
      if (sharedTmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = sharedTmp
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
  // The browser tests beside this one (test/web) rebuild dist/web and save test/artifacts.
  const projectSkip = new Set(['node_modules', '.git', 'bench', 'dist/web', 'test/artifacts'].map((d) => path.join(PROJECT_ROOT, d)))
  return {
    project: await walk(PROJECT_ROOT, projectSkip, new Map()),
    fuzzRoot: await walk(env.root, new Set([env.indexesDir, os.tmpdir()]), new Map()),
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
