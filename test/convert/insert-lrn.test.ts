import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import ort from 'onnxruntime-node'
import { convertCommand } from '../../src/cli/convert.js'
import { convertProgram } from '../../src/convert/convert-program.js'
import { CAFFE_LRN, insertLrnAfter } from '../../src/convert/insert-lrn.js'
import { assertClose, buildProgram, type GraphSpec } from './helpers/op-graph.js'
import { encodeProgram } from './helpers/paddle-writer.js'

// x [1, 5, 1, 1] → scale (y) → relu in place (y) → scale ×2 (z). The LRN must land after the
// relu (the last writer of y), and the second scale must read its output.
const spec: GraphSpec = {
  vars: { x: { dims: [1, 5, 1, 1] }, y: { dims: [1, 5, 1, 1] }, z: { dims: [1, 5, 1, 1] } },
  ops: [
    { type: 'scale', inputs: { X: ['x'] }, outputs: { Out: ['y'] }, attrs: { scale: 1, bias: 0, bias_after_scale: true } },
    { type: 'relu', inputs: { X: ['y'] }, outputs: { Out: ['y'] } },
    { type: 'scale', inputs: { X: ['y'] }, outputs: { Out: ['z'] }, attrs: { scale: 2, bias: 0, bias_after_scale: true } },
  ],
  feeds: ['x'],
  fetches: ['z'],
}
const input = [-3, 10, 20, 30, 40]

/** Caffe's LRN as Caffe defines it: x / (1 + alpha/size · Σx²)^beta, size 5, alpha 1e-4, beta 0.75. */
function caffeLrn(values: number[]): number[] {
  return values.map((v, c) => {
    let sum = 0
    for (let j = Math.max(0, c - 2); j <= Math.min(values.length - 1, c + 2); j++) sum += values[j]! ** 2
    return v / (1 + (1e-4 / 5) * sum) ** 0.75
  })
}

describe('insertLrnAfter', () => {
  test('inserts lrn after the last writer and redirects later readers only', () => {
    const { program } = buildProgram(spec)
    const block = insertLrnAfter(program, ['y']).blocks[0]!
    assert.deepEqual(block.ops.map((op) => op.type), ['feed', 'scale', 'relu', 'lrn', 'scale', 'fetch'])
    const lrn = block.ops[3]!
    assert.deepEqual(lrn.inputs, { X: ['y'] })
    assert.deepEqual(block.ops[4]!.inputs, { X: ['y.lrn'] })
    assert.deepEqual(block.ops[2]!.inputs, { X: ['y'] }, 'the relu before it still reads y')
    assert.deepEqual(block.vars.get('y.lrn')?.dims, [1, 5, 1, 1])
    assert.equal(lrn.attrs, CAFFE_LRN)
    assert.equal(program.blocks[0]!.ops.length, 5, 'the input program is not modified')
  })

  test('the converted graph computes Caffe LRN (alpha/size) between the relu and the last scale', async () => {
    const { program, params } = buildProgram(spec)
    const converted = convertProgram(program, params, { lrnAfter: ['y'] })
    assert.equal(converted.opCounts.get('lrn'), 1)
    const session = await ort.InferenceSession.create(converted.onnx, { logSeverityLevel: 3 })
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(input), [1, 5, 1, 1]) })
    await session.release()
    const expected = caffeLrn(input.map((v) => Math.max(0, v))).map((v) => 2 * v)
    assertClose(Array.from(out[converted.fetches[0]!.name]!.data as Float32Array), expected, 1e-5)
  })

  test('unknown, unwritten and repeated variables are refused with the name', () => {
    const { program } = buildProgram({ ...spec, vars: { ...spec.vars, w: { dims: [1], value: [1] } } })
    assert.throws(() => insertLrnAfter(program, ['nope']), /--lrn-after names nope, which the main block does not declare/)
    assert.throws(() => insertLrnAfter(program, ['w']), /--lrn-after names w, which no op of the main block writes/)
    assert.throws(() => insertLrnAfter(program, ['y', 'y']), /--lrn-after names y twice/)
  })
})

describe('convert --lrn-after', () => {
  let root: string
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ppserve-lrn-'))
    mkdirSync(path.join(root, 'model'))
    writeFileSync(path.join(root, 'model', 'inference.pdmodel'), encodeProgram(spec))
  })
  after(() => rmSync(root, { recursive: true, force: true }))

  test('writes a model with an LRN node (size 5, alpha 1e-4, beta 0.75, bias 1)', async () => {
    const out = path.join(root, 'models', 'lrn_model')
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = (() => true) as typeof process.stderr.write
    try {
      await convertCommand(['--dirname', path.join(root, 'model'), '--out', out, '--random-weights', '--lrn-after', 'y'])
    } finally {
      process.stderr.write = write
    }
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(path.join(out, 'model.onnx')))
    const node = model.graph!.node!.find((n) => n.opType === 'LRN')
    assert.ok(node, 'an LRN node')
    const attr = Object.fromEntries((node.attribute ?? []).map((a) => [a.name, a.type === onnxProto.onnx.AttributeProto.AttributeType.INT ? Number(a.i) : a.f]))
    assert.equal(attr.size, 5)
    assert.ok(Math.abs(Number(attr.alpha) - 1e-4) < 1e-9, `alpha ${attr.alpha}`)
    assert.equal(attr.beta, 0.75)
    assert.equal(attr.bias, 1)
  })
})
