/**
 * A self-contained PP-ShiTu set-up for tests: a temp models folder with the detector and feature
 * packages pulled from the mirror, a temp indexes folder, and a data file of the first `lines`
 * drink gallery images (≥ 200 so the gallery gets whitened like the real one; Infinity = all).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pullModel } from '../../src/runtime/pull/index.js'
import { asset, PROJECT_ROOT, SHARED_ASSETS } from './shared-assets.js'

export const DETECTOR = 'picodet_xs_416_coco'
export const FEATURES = 'mobilenet_v2_gem_features'
export const GALLERY_ROOT = asset('drink_dataset_v1.0/gallery')

export interface RecognitionEnv {
  readonly root: string
  readonly modelsDir: string
  readonly indexesDir: string
  readonly dataFile: string
  /** `[path, label]` of the data file's lines. */
  readonly lines: Array<[string, string]>
  remove(): Promise<void>
}

const silent = { write: () => true, isTTY: false }

export async function createRecognitionEnv(lines = 240): Promise<RecognitionEnv> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-recognition-'))
  const modelsDir = path.join(root, 'models')
  const indexesDir = path.join(root, 'index')
  for (const name of [DETECTOR, FEATURES]) {
    await mkdir(path.join(modelsDir, name), { recursive: true })
    await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
    await pullModel(name, { modelsDir, mirror: SHARED_ASSETS, progress: silent, handleSignals: false })
  }
  const all = (await readFile(path.join(GALLERY_ROOT, 'drink_label_all.txt'), 'utf8')).split('\n').filter((l) => l.trim() !== '')
  const chosen = all.slice(0, lines)
  const dataFile = path.join(root, 'gallery.txt')
  await writeFile(dataFile, chosen.join('\n') + '\n')
  return {
    root,
    modelsDir,
    indexesDir,
    dataFile,
    lines: chosen.map((l) => l.split('\t') as [string, string]),
    remove: () => rm(root, { recursive: true, force: true }),
  }
}

/** Server config overrides for the env: recognition only, the default index built on first start. */
export function recognitionConfig(env: RecognitionEnv, extra: Record<string, unknown> = {}) {
  return {
    models: { dir: env.modelsDir },
    services: {
      ocr: { enabled: false },
      classify: { enabled: false },
      recognize: {
        detector: DETECTOR,
        feature_model: FEATURES,
        indexes_dir: env.indexesDir,
        default_index: 'drink',
        build_missing: { data_file: env.dataFile, image_root: GALLERY_ROOT },
        score_thres: 0.35,
        ...extra,
      },
    },
  }
}
