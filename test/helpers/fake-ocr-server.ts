/**
 * A test server whose OCR models are the fake sessions (./fake-ocr-sessions.ts): the real request
 * path, every protocol adapter, no model compute. The manifests are copied to a temp folder.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import { fakeOcrSessions } from './fake-ocr-sessions.js'
import { startTestServer, type TestServer } from './http-server.js'
import type { TestConfig } from './services.js'
import { PROJECT_ROOT } from './shared-assets.js'

export const OCR_PACKAGES = ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec']

export interface FakeOcrOptions {
  /** The detector sees a line in every image and the recogniser reads it (./fake-ocr-sessions.ts). */
  readonly text?: boolean
  /** Wraps the fake sessions, e.g. to record what reaches them. */
  readonly wrap?: (factory: SessionFactory) => SessionFactory
}

/** `delay.ms` is each fake model call's duration (changeable while the server runs). */
export async function startFakeOcrServer(overrides: TestConfig = {}, delay = { ms: 0 }, { text = false, wrap = (f) => f }: FakeOcrOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-fake-ocr-'))
  for (const name of OCR_PACKAGES) {
    await mkdir(path.join(dir, name))
    await writeFile(path.join(dir, name, 'manifest.yml'), await readFile(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), 'utf8'))
  }
  const server = await startTestServer({ ...overrides, models: { dir, ...overrides.models } }, { sessionFactory: wrap(fakeOcrSessions(delay, { text })) })
  return {
    ...server,
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
