/**
 * `ppserve index` as a user runs it: a child process in the project root, with a temp config
 * whose models folder starts with only the feature package's manifest (the CLI pulls the weights
 * from ../shared/assets on first use, as serve does) and whose indexes live in a temp folder.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { faissUnavailableReason } from '../../../src/retrieval/faiss-loader.js'
import { asset, needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from '../../helpers/shared-assets.js'

export const FEATURES = 'mobilenet_v2_gem_features'
export const GALLERY_ROOT = asset('drink_dataset_v1.0/gallery')

const faissMissing = faissUnavailableReason()
if (faissMissing && process.env.CI === 'true') throw new Error(`CI=true but faiss is unavailable, so the index CLI cannot be tested: ${faissMissing}`)

/** The `skip` option for these tests: they need the mirror's models and images, and faiss. */
export const indexCliSkip: false | string = needsSharedAssets || (faissMissing ? `needs the faiss-node addon: ${faissMissing}` : false)

export interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface IndexCliEnv {
  readonly root: string
  readonly config: string
  readonly indexesDir: string
  /** Runs `ppserve index ARGS --config <the temp config>`; `whileRunning` may watch or signal the child. */
  index(args: readonly string[], whileRunning?: (child: ChildProcess) => void): Promise<Run>
  /** Writes a data file into the temp folder and returns its path. */
  dataFile(name: string, lines: readonly string[]): string
  remove(): void
}

/** The drink gallery's data-file lines (`relpath<TAB>label`), 1,068 of them. */
export function galleryLines(): string[] {
  return readFileSync(path.join(GALLERY_ROOT, 'drink_label_all.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
}

export function createIndexCliEnv(prefix: string): IndexCliEnv {
  const root = mkdtempSync(path.join(os.tmpdir(), `ppserve-${prefix}-`))
  const modelsDir = path.join(root, 'models')
  const indexesDir = path.join(root, 'index')
  mkdirSync(path.join(modelsDir, FEATURES), { recursive: true })
  cpSync(path.join(PROJECT_ROOT, 'models', FEATURES, 'manifest.yml'), path.join(modelsDir, FEATURES, 'manifest.yml'))
  const config = path.join(root, 'serving.yml')
  writeFileSync(
    config,
    JSON.stringify({
      models: { dir: modelsDir, auto_pull: true, mirror: SHARED_ASSETS },
      services: { recognize: { feature_model: FEATURES, indexes_dir: indexesDir, index: { method: 'Flat', metric: 'IP', whiten: true } } },
    }),
  )
  const { PPSERVE_MIRROR: _mirror, ...env } = process.env
  return {
    root,
    config,
    indexesDir,
    index(args, whileRunning) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', ...args, '--config', config], {
        cwd: PROJECT_ROOT,
        env: { ...env, PPSERVE_LOG: 'warn' },
      })
      let stdout = ''
      let stderr = ''
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      whileRunning?.(child)
      return new Promise((resolve, reject) => {
        child.on('error', reject)
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
      })
    },
    dataFile(name, lines) {
      const file = path.join(root, name)
      writeFileSync(file, lines.join('\n') + '\n')
      return file
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** `index info --json` of the run, parsed. */
export interface InfoJson {
  name: string
  size: number
  ntotal: number
  dim: number
  metric: string
  method: string
  model: string
  whitened: boolean
  generation: number
  classes: number
  labels: Record<string, number>
}

export function parseInfo(run: Run): InfoJson {
  if (run.code !== 0) throw new Error(`index info exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout) as InfoJson
}
