import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import ort from 'onnxruntime-node'
import { convertModel } from '../../src/convert/convert-model.js'
import { ConversionError, UnsupportedOpsError } from '../../src/convert/errors.js'
import { readTensorAt } from '../../src/convert/paddle/tensor-stream.js'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import type { GraphSpec } from './helpers/op-graph.js'
import { encodeCombined, encodeProgram, encodeTensor } from './helpers/paddle-writer.js'

// x [-1, 1, -1, -1] → conv 1×1 (w = 2) → + b (axis 1) → relu in place → scale ×1 → out
const WEIGHTS = { w: { dims: [1, 1, 1, 1], value: [2] }, b: { dims: [1], value: [-3] } }
const TINY: GraphSpec = {
  vars: {
    x: { dims: [-1, 1, -1, -1] },
    ...WEIGHTS,
    c: { dims: [-1, 1, -1, -1] },
    d: { dims: [-1, 1, -1, -1] },
    out: { dims: [-1, 1, -1, -1] },
  },
  ops: [
    { type: 'conv2d', inputs: { Input: ['x'], Filter: ['w'] }, outputs: { Output: ['c'] }, attrs: { strides: [1, 1], paddings: [0, 0], groups: 1 } },
    { type: 'elementwise_add', inputs: { X: ['c'], Y: ['b'] }, outputs: { Out: ['d'] }, attrs: { axis: 1 } },
    { type: 'relu', inputs: { X: ['d'] }, outputs: { Out: ['d'] } },
    { type: 'scale', inputs: { X: ['d'] }, outputs: { Out: ['out'] }, attrs: { scale: 1, bias: 0, bias_after_scale: true } },
  ],
  feeds: ['x'],
  fetches: ['out'],
}
const tensors = () => new Map(Object.entries(WEIGHTS).map(([name, v]) => [name, encodeTensor(v.dims, v.value)]))

let root: string
const quiet = { progress: () => {} }

async function writeModel(name: string, files: Record<string, Uint8Array>): Promise<string> {
  const dir = path.join(root, 'src', name)
  await mkdir(dir, { recursive: true })
  for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes)
  return dir
}

async function runPackage(dir: string, input: number[], dims: number[]): Promise<number[]> {
  const pkg = await loadModelPackage(dir)
  const session = await ort.InferenceSession.create(pkg.modelPath, { logSeverityLevel: 3 })
  const feed = pkg.manifest.feeds[0]!
  const out = await session.run({ [feed.name]: new ort.Tensor('float32', Float32Array.from(input), dims) })
  return Array.from(out[pkg.manifest.fetches[0]!.name]!.data as Float32Array)
}

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-convert-'))
})
after(() => rmSync(root, { recursive: true, force: true }))

describe('Paddle tensor files', () => {
  test('a tensor with a LoD level is read past its LoD data', () => {
    const bytes = encodeTensor([2, 2], [1, 2, 3, 4], undefined, [0, 2])
    const { tensor, next } = readTensorAt(bytes, 0, 't')
    assert.deepEqual(tensor.dims, [2, 2])
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(tensor.data).buffer)), [1, 2, 3, 4])
    assert.equal(next, bytes.byteLength)
  })

  test('a truncated tensor names the file and what was being read', () => {
    const bytes = encodeTensor([4], [1, 2, 3, 4])
    assert.throws(() => readTensorAt(bytes.subarray(0, bytes.byteLength - 3), 0, 'conv1_weights'), /conv1_weights: truncated .* tensor data/)
  })
})

describe('model layouts', () => {
  const input = [1, 2, 0.5, 3]
  const expected = [0, 1, 0, 3] // relu(2x - 3)

  test('new format (inference.pdmodel + inference.pdiparams) keeps dynamic dims dynamic', async () => {
    const dir = await writeModel('new', { 'inference.pdmodel': encodeProgram(TINY), 'inference.pdiparams': encodeCombined(tensors()) })
    const out = path.join(root, 'models', 'tiny_new')
    const result = await convertModel({ dirname: dir, out, feedAliases: new Map([['x', 'image']]), fetchAliases: new Map([['out', 'logits']]), ...quiet })
    assert.deepEqual(result.manifest.feeds, [{ name: 'x', alias: 'image', dtype: 'float32', shape: [-1, 1, -1, -1] }])
    assert.deepEqual(result.manifest.fetches[0]!.alias, 'logits')
    assert.deepEqual(await runPackage(out, input, [1, 1, 2, 2]), expected)
    const session = await ort.InferenceSession.create(path.join(out, 'model.onnx'))
    const meta = session.inputMetadata[0]!
    assert.ok(meta.isTensor)
    assert.deepEqual(meta.shape.map((d) => typeof d), ['string', 'number', 'string', 'string'])
  })

  test('old combined format (__model__ + __params__)', async () => {
    const dir = await writeModel('old_combined', { __model__: encodeProgram(TINY), __params__: encodeCombined(tensors()) })
    const out = path.join(root, 'models', 'tiny_combined')
    await convertModel({ dirname: dir, out, ...quiet })
    assert.deepEqual(await runPackage(out, input, [1, 1, 2, 2]), expected)
  })

  test('old per-file format (__model__ + one file per parameter)', async () => {
    const files: Record<string, Uint8Array> = { __model__: encodeProgram(TINY) }
    for (const [name, bytes] of tensors()) files[name] = bytes
    const dir = await writeModel('old_files', files)
    const out = path.join(root, 'models', 'tiny_files')
    await convertModel({ dirname: dir, out, ...quiet })
    assert.deepEqual(await runPackage(out, input, [1, 1, 2, 2]), expected)
  })

  test('custom file names through --model-filename / --params-filename', async () => {
    const dir = await writeModel('custom', { 'net.pdmodel': encodeProgram(TINY), 'weights.bin': encodeCombined(tensors()) })
    const out = path.join(root, 'models', 'tiny_custom')
    await convertModel({ dirname: dir, modelFilename: 'net.pdmodel', paramsFilename: 'weights.bin', out, ...quiet })
    assert.deepEqual(await runPackage(out, input, [1, 1, 2, 2]), expected)
  })

  test('a combined file with a tensor too few, or bytes left over, is refused', async () => {
    const short = new Map(tensors())
    short.delete('w')
    const dir = await writeModel('short', { 'inference.pdmodel': encodeProgram(TINY), 'inference.pdiparams': encodeCombined(short) })
    await assert.rejects(convertModel({ dirname: dir, out: path.join(root, 'models', 'short'), ...quiet }), /holds 1 tensors, the graph has 2/)
    const long = await writeModel('long', { 'inference.pdmodel': encodeProgram(TINY), 'inference.pdiparams': Buffer.concat([encodeCombined(tensors()), Buffer.from([1, 2])]) })
    await assert.rejects(convertModel({ dirname: long, out: path.join(root, 'models', 'long'), ...quiet }), /2 bytes left/)
  })

  test('a parameter whose dims differ from the graph is refused', async () => {
    const wrong = new Map(tensors())
    wrong.set('b', encodeTensor([2], [1, 2]))
    const dir = await writeModel('wrong', { 'inference.pdmodel': encodeProgram(TINY), 'inference.pdiparams': encodeCombined(wrong) })
    await assert.rejects(convertModel({ dirname: dir, out: path.join(root, 'models', 'wrong'), ...quiet }), /parameter b has dims \[2\], the graph declares \[1\]/)
  })

  test('a folder without a model file lists what it has', async () => {
    const dir = await writeModel('empty', { 'README.txt': new Uint8Array(1) })
    await assert.rejects(convertModel({ dirname: dir, out: path.join(root, 'models', 'none'), ...quiet }), /neither inference.pdmodel nor __model__ \(it has: README.txt\)/)
  })

  test('a new-format model without parameters suggests --random-weights, which converts it', async () => {
    const dir = await writeModel('graph_only', { 'inference.pdmodel': encodeProgram(TINY) })
    await assert.rejects(convertModel({ dirname: dir, out: path.join(root, 'models', 'go'), ...quiet }), /--random-weights/)
    const result = await convertModel({ dirname: dir, out: path.join(root, 'models', 'go'), randomWeights: true, ...quiet })
    assert.equal(result.converted.paramCount, 2)
  })
})

describe('conversion rules', () => {
  test('unsupported ops are all listed with counts, and nothing is written', async () => {
    const spec: GraphSpec = {
      vars: { x: { dims: [-1, 4] }, a: { dims: [-1, 4] }, b: { dims: [-1, 4] }, c: { dims: [-1, 4] } },
      ops: [
        { type: 'frobnicate', inputs: { X: ['x'] }, outputs: { Out: ['a'] } },
        { type: 'frobnicate', inputs: { X: ['a'] }, outputs: { Out: ['b'] } },
        { type: 'relu', inputs: { X: ['b'] }, outputs: { Out: ['c'] } },
        { type: 'multiclass_nms3', inputs: { BBoxes: ['c'] }, outputs: { Out: ['c'] } },
      ],
      feeds: ['x'],
      fetches: ['c'],
    }
    const dir = await writeModel('unsupported', { 'inference.pdmodel': encodeProgram(spec) })
    const out = path.join(root, 'models', 'unsupported')
    await assert.rejects(convertModel({ dirname: dir, out, randomWeights: true, ...quiet }), (error: unknown) => {
      assert.ok(error instanceof UnsupportedOpsError)
      assert.deepEqual([...error.counts], [['frobnicate', 2], ['multiclass_nms3', 1]])
      assert.match(error.message, /frobnicate ×2, multiclass_nms3 ×1\. Nothing was written/)
      return true
    })
    assert.equal(existsSync(out), false)
    assert.deepEqual(readdirSync(path.join(root, 'models')).filter((name) => name.includes('.tmp-')), [])
  })

  test('--fetch prunes to the named variable; ops and parameters after it are not needed', async () => {
    const files: Record<string, Uint8Array> = { __model__: encodeProgram(TINY), w: tensors().get('w')! } // no file for b
    const dir = await writeModel('cut', files)
    await assert.rejects(convertModel({ dirname: dir, out: path.join(root, 'models', 'cut'), ...quiet }), /parameter b is missing .*--fetch/)
    const result = await convertModel({ dirname: dir, out: path.join(root, 'models', 'cut'), fetch: ['c'], ...quiet })
    assert.deepEqual([...result.converted.opCounts], [['conv2d', 1]])
    assert.deepEqual(await runPackage(path.join(root, 'models', 'cut'), [1, 2, 3, 4], [1, 1, 2, 2]), [2, 4, 6, 8])
  })

  test('--input-shape redeclares an input; a wrong rank or name is refused', async () => {
    const dir = await writeModel('shaped', { 'inference.pdmodel': encodeProgram(TINY) })
    const out = path.join(root, 'models', 'shaped')
    const result = await convertModel({ dirname: dir, out, randomWeights: true, inputShapes: { x: [-1, 1, 2, 2] }, ...quiet })
    assert.deepEqual(result.manifest.feeds[0]!.shape, [-1, 1, 2, 2])
    await assert.rejects(convertModel({ dirname: dir, out: `${out}2`, randomWeights: true, inputShapes: { x: [1, 2] }, ...quiet }), /has 2 dims, the model declares 4/)
    await assert.rejects(convertModel({ dirname: dir, out: `${out}3`, randomWeights: true, inputShapes: { y: [1] }, ...quiet }), /not a used input/)
  })

  test('an existing package is kept unless --force, which replaces it whole', async () => {
    const dir = await writeModel('force', { 'inference.pdmodel': encodeProgram(TINY) })
    const out = path.join(root, 'models', 'force')
    await convertModel({ dirname: dir, out, randomWeights: true, ...quiet })
    writeFileSync(path.join(out, 'stale.txt'), 'old')
    await assert.rejects(convertModel({ dirname: dir, out, randomWeights: true, ...quiet }), /already exists; pass --force/)
    await convertModel({ dirname: dir, out, randomWeights: true, force: true, ...quiet })
    assert.deepEqual(readdirSync(out).sort(), ['manifest.yml', 'model.onnx'])
  })

  test('a package name that the manifest cannot carry is refused before reading the model', async () => {
    await assert.rejects(convertModel({ dirname: '/nonexistent', out: path.join(root, 'models', 'bad name'), ...quiet }), ConversionError)
  })

  test('progress and the summary name the op histogram, parameters and output path', async () => {
    const dir = await writeModel('summary', { 'inference.pdmodel': encodeProgram(TINY) })
    const lines: string[] = []
    await convertModel({ dirname: dir, out: path.join(root, 'models', 'summary'), randomWeights: true, progress: (line) => lines.push(line) })
    const text = lines.join('\n')
    assert.match(text, /ops \(4\): conv2d ×1, elementwise_add ×1, relu ×1, scale ×1/)
    assert.match(text, /parameters: 2 tensors, 2 values \(random weights \(seed 1\)\)/)
    assert.match(text, /→ .*models\/summary\/model\.onnx/)
  })
})

