/**
 * One server with the three tasks on real models, for the Paddle Serving pipeline and PaddleHub
 * protocol tests: PP-OCRv4 (npm package), GoogLeNet (pulled from the mirror) and PP-ShiTu with a
 * gallery of the first 240 drink images by default (built on first start), all in one temp models folder.
 */
import { cp, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { faissUnavailableReason } from '../../src/retrieval/faiss-loader.js'
import { pullModel } from '../../src/runtime/pull/index.js'
import { startTestServer, type TestServer } from './http-server.js'
import { createRecognitionEnv, recognitionConfig, type RecognitionEnv } from './recognition-env.js'
import { needsSharedAssets, PROJECT_ROOT, SHARED_ASSETS } from './shared-assets.js'

const OCR_PACKAGES = ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec']
const CLASSIFIER = 'googlenet_v1'

const faissMissing = faissUnavailableReason()
if (faissMissing && process.env.CI === 'true') throw new Error(`CI=true but faiss is unavailable: ${faissMissing}`)

/** `skip` option for suites that need this env: the shared assets and faiss. */
export const needsProtocolEnv: false | string = needsSharedAssets || (faissMissing ? `faiss unavailable: ${faissMissing}` : false)

/** The Paddle Serving pipeline envelope, as the tests read it. */
export interface PipelineAnswer {
  err_no: number
  err_msg: string
  key: string[]
  value: string[]
  tensors: unknown[]
}

export interface ProtocolEnv {
  readonly server: TestServer
  readonly recognition: RecognitionEnv
  close(): Promise<void>
}

/** `galleryImages`: the first this many drink gallery images make the default index. */
export async function startProtocolEnv(galleryImages = 240): Promise<ProtocolEnv> {
  const recognition = await createRecognitionEnv(galleryImages)
  const { modelsDir } = recognition
  for (const name of [...OCR_PACKAGES, CLASSIFIER]) {
    await mkdir(path.join(modelsDir, name), { recursive: true })
    await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
  }
  await pullModel(CLASSIFIER, { modelsDir, mirror: SHARED_ASSETS, progress: { write: () => true, isTTY: false }, handleSignals: false })
  const config = recognitionConfig(recognition)
  const server = await startTestServer({
    ...config,
    services: { ...config.services, ocr: { enabled: true }, classify: { enabled: true, default_model: CLASSIFIER } },
  })
  return {
    server,
    recognition,
    async close() {
      await server.close()
      await recognition.remove()
    },
  }
}
