import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { CONVERT_USAGE, convertCommand } from '../../src/cli/convert.js'
import { SUPPORTED_OPS } from '../../src/convert/ops/registry.js'
import { ManifestSchema } from '../../src/runtime/manifest.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'
import { encodeProgram } from './helpers/paddle-writer.js'

const run = promisify(execFile)

let root: string
let model: string
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-cli-'))
  model = path.join(root, 'model')
  mkdirSync(model)
  writeFileSync(
    path.join(model, 'inference.pdmodel'),
    encodeProgram({
      vars: { x: { dims: [-1, 4] }, w: { dims: [4, 2], value: [] }, y: { dims: [-1, 2] }, p: { dims: [-1, 2] } },
      ops: [
        { type: 'matmul_v2', inputs: { X: ['x'], Y: ['w'] }, outputs: { Out: ['y'] }, attrs: { trans_x: false, trans_y: false } },
        { type: 'softmax', inputs: { X: ['y'] }, outputs: { Out: ['p'] }, attrs: { axis: -1 } },
      ],
      feeds: ['x'],
      fetches: ['p'],
    }),
  )
})
after(() => rmSync(root, { recursive: true, force: true }))

function silenced<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = (() => true) as typeof process.stderr.write
  return fn().finally(() => {
    process.stderr.write = write
  })
}

describe('ppserve convert (CLI)', () => {
  test('writes a package whose manifest carries the aliases and passes the schema', async () => {
    const out = path.join(root, 'models', 'tiny')
    await silenced(() => convertCommand(['--dirname', model, '--out', out, '--random-weights', '--feed-alias', 'x=features', '--fetch-alias', 'p=probs', '--opset', '17']))
    const manifest = ManifestSchema.parse(parse(readFileSync(path.join(out, 'manifest.yml'), 'utf8')))
    assert.equal(manifest.name, 'tiny')
    assert.equal(manifest.model, 'model.onnx')
    assert.deepEqual(manifest.feeds, [{ name: 'x', alias: 'features', dtype: 'float32', shape: [-1, 4] }])
    assert.deepEqual(manifest.fetches, [{ name: 'p', alias: 'probs', dtype: 'float32', shape: [-1, 2] }])
  })

  test('bad option values are refused with the option named', async () => {
    await assert.rejects(convertCommand(['--dirname', model, '--out', path.join(root, 'm1'), '--feed-alias', 'x']), /--feed-alias wants NAME=VALUE/)
    await assert.rejects(convertCommand(['--dirname', model, '--out', path.join(root, 'm2'), '--opset', '9', '--random-weights']), /opset 9 is not supported/)
    await assert.rejects(convertCommand(['--dirname', model, '--out', path.join(root, 'm3'), '--feed-alias', 'nope=a', '--random-weights']), /--feed-alias names nope/)
    await assert.rejects(convertCommand(['--dirname', model, '--out', path.join(root, 'm4'), '--fetch-alias', 'p=Not-Snake', '--random-weights']), /snake_case/)
    await assert.rejects(convertCommand(['--out', path.join(root, 'm5')]), /--dirname and --out are required/)
  })

  test('the usage text documents the cut option, and --list-ops prints every supported op', async () => {
    assert.match(CONVERT_USAGE, /--fetch VAR/)
    assert.match(CONVERT_USAGE, /--random-weights/)
    let printed = ''
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => {
      printed += chunk
      return true
    }) as typeof process.stdout.write
    try {
      await convertCommand(['--list-ops'])
    } finally {
      process.stdout.write = write
    }
    for (const op of SUPPORTED_OPS) assert.match(printed, new RegExp(`^  ${op} `, 'm'))
  })

  test('through main.ts: an expected failure is one line and exit code 1', async () => {
    const error = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'convert', '--dirname', path.join(root, 'absent'), '--out', path.join(root, 'x')], { cwd: PROJECT_ROOT }).then(
      () => assert.fail('should exit non-zero'),
      (e: { code: number; stderr: string }) => e,
    )
    assert.equal(error.code, 1)
    assert.match(error.stderr, /^ppserve: model directory .*absent does not exist\n$/)
  })
})
