/**
 * For the OpenAPI tests: a server with every task and protocol on (OCR and the text_direction
 * classifier on fake sessions that read text, recognition without its weights: its routes
 * exist and answer 503), and a checker of real answers against the schemas the document gives.
 */
import assert from 'node:assert/strict'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { TEXT_DIRECTION_MANIFEST } from './classifier-package.js'
import { OCR_PACKAGES } from './fake-ocr-server.js'
import { fakeOcrSessions } from './fake-ocr-sessions.js'
import { startTestServer, type TestServer } from './http-server.js'
import type { TestConfig } from './services.js'
import { PROJECT_ROOT } from './shared-assets.js'

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed document

export interface OpenApiEnv {
  readonly server: TestServer
  close(): Promise<void>
}

/** Recognition's packages, without their weights (state `missing`). */
const RECOGNITION_PACKAGES = ['picodet_xs_416_coco', 'mobilenet_v2_gem_features']

/** Models: the OCR manifests and text_direction in a temp folder; recognition's without weights. */
export async function startOpenApiServer(overrides: TestConfig = {}): Promise<OpenApiEnv> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ppserve-openapi-'))
  const modelsDir = path.join(root, 'models')
  for (const name of [...OCR_PACKAGES, ...RECOGNITION_PACKAGES]) {
    await mkdir(path.join(modelsDir, name), { recursive: true })
    await cp(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml'), path.join(modelsDir, name, 'manifest.yml'))
  }
  await mkdir(path.join(modelsDir, 'text_direction'))
  await writeFile(path.join(modelsDir, 'text_direction', 'manifest.yml'), TEXT_DIRECTION_MANIFEST)
  await writeFile(path.join(modelsDir, 'text_direction', 'labels.txt'), '0 0\n1 180\n')
  const server = await startTestServer(
    {
      ...overrides,
      models: { dir: modelsDir, auto_pull: false },
      services: {
        ocr: { enabled: true },
        classify: { enabled: true, default_model: 'text_direction' },
        recognize: { enabled: true, indexes_dir: path.join(root, 'index') },
        ...overrides.services,
      },
    },
    { sessionFactory: fakeOcrSessions({ ms: 0 }, { text: true }) },
  )
  return {
    server,
    async close() {
      await server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** Checks answers against the response schemas of a document (JSON Schema 2020-12, as OpenAPI 3.1's). */
export class AnswerChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  readonly #compiled = new Map<string, ValidateFunction>()

  constructor(readonly document: Json) {}

  /** The documented schema of `status` + the response's media type on `method path` (path as in the document). */
  schemaFor(method: string, path: string, status: number, contentType: string): Json {
    const operation = this.document.paths[path]?.[method]
    assert.ok(operation, `${method.toUpperCase()} ${path} is not in the document`)
    const answer = operation.responses[String(status)]
    assert.ok(answer, `${method.toUpperCase()} ${path}: HTTP ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`)
    const type = contentType.split(';')[0]!.trim()
    const media = answer.content?.[type]
    assert.ok(media, `${method.toUpperCase()} ${path} ${status}: ${type} is not documented (documented: ${Object.keys(answer.content ?? {}).join(', ') || 'no body'})`)
    return media.schema
  }

  /** Reads the answer and asserts it fits its documented schema; returns the parsed body. */
  async check(method: string, path: string, response: Response): Promise<Json> {
    const contentType = response.headers.get('content-type') ?? ''
    const schema = this.schemaFor(method, path, response.status, contentType)
    const body = (await response.json()) as Json
    const key = JSON.stringify(schema)
    let validate = this.#compiled.get(key)
    if (!validate) {
      // The schema's $refs point into the document's components.
      validate = this.#ajv.compile({ ...schema, components: this.document.components })
      this.#compiled.set(key, validate)
    }
    assert.ok(validate(body), `${method.toUpperCase()} ${path} ${response.status}: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`)
    return body
  }
}
