/**
 * The Open Inference Protocol's request encodings, without a server: JSON data flat or nested,
 * the binary tensor extension (little-endian, Inference-Header-Content-Length, binary_data_size),
 * compressed bodies, integer datatypes checked, and each malformed request a clear InvalidInput.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import type { ModelSignature } from '../../src/runtime/model-signature.js'
import { decodeInputs, parseInferBody, requestedOutputs } from '../../src/server/protocols/kserve/infer-request.js'
import { fromBinary, fromJsonData, toJsonData } from '../../src/server/protocols/kserve/tensor-data.js'
import { toLittleEndian as toBinary } from '../../src/runtime/tensor-bytes.js'

const SIGNATURE: ModelSignature = {
  inputs: [
    { name: 'image', dtype: 'float32', shape: [-1, 2, 2] },
    { name: 'scale', dtype: 'int64', shape: [-1, 2] },
  ],
  outputs: [{ name: 'boxes', dtype: 'float32', shape: [-1, 4] }, { name: 'count', dtype: 'int32', shape: [-1] }],
}

const body = (json: unknown, binary?: Uint8Array, compress = false) => {
  const header = Buffer.from(JSON.stringify(json))
  const raw = binary ? Buffer.concat([header, binary]) : header
  return parseInferBody(new Uint8Array(compress ? gzipSync(raw) : raw), binary ? String(header.length) : undefined, compress ? 'gzip' : undefined, 1 << 20)
}

describe('KServe tensor data', () => {
  it('JSON data flat or nested, integers checked per datatype', () => {
    assert.deepEqual(Array.from(fromJsonData([[1.5, 2], [3, 4]], 'float32', 4, 't')), [1.5, 2, 3, 4])
    assert.deepEqual(Array.from(fromJsonData([7, -8], 'int64', 2, 't')), [7, -8])
    assert.throws(() => fromJsonData([1.5], 'int32', 1, 'input "t"'), /input "t": 1.5 is not a int32 value/)
    assert.throws(() => fromJsonData([256], 'uint8', 1, 't'), /not a uint8 value \(integers 0..255\)/)
    assert.throws(() => fromJsonData(['1'], 'float32', 1, 't'), /expected numbers/)
    assert.throws(() => fromJsonData([1, 2, 3], 'float32', 4, 't'), /data has 3 values, its shape needs 4/)
    assert.deepEqual(toJsonData(new Float32Array([2.0000001, 3]), 'int64'), [2, 3])
  })

  it('binary data is little-endian, each datatype in its own size, round-tripping', () => {
    const bytes = new Uint8Array([0, 0, 0xc0, 0x3f]) // 1.5f LE
    assert.deepEqual(Array.from(fromBinary(bytes, 'float32', 1, 't')), [1.5])
    for (const dtype of ['float32', 'int64', 'int32', 'uint8'] as const) {
      const values = new Float32Array([0, 1, 2, 255])
      assert.deepEqual(Array.from(fromBinary(toBinary(values, dtype), dtype, 4, 't')), [0, 1, 2, 255], dtype)
    }
    assert.equal(toBinary(new Float32Array([1, 2]), 'int64').length, 16)
    assert.throws(() => fromBinary(new Uint8Array(6), 'float32', 2, 'input "t"'), /binary_data_size is 6 bytes, its shape and datatype need 8/)
  })
})

describe('KServe inference request', () => {
  it('decodes JSON and binary inputs, checks them against the signature, in signature order', () => {
    const scale = new Uint8Array(toBinary(new Float32Array([2, 3, 4, 5]), 'int64'))
    const parsed = body(
      {
        inputs: [
          { name: 'scale', shape: [2, 2], datatype: 'INT64', parameters: { binary_data_size: scale.length } },
          { name: 'image', shape: [2, 2, 2], datatype: 'FP32', data: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] },
        ],
      },
      scale,
      true,
    )
    const inputs = decodeInputs(parsed, SIGNATURE, 'm')
    assert.deepEqual(inputs.map((t) => [t.signature.name, t.dims, Array.from(t.data)]), [
      ['image', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]],
      ['scale', [2, 2], [2, 3, 4, 5]],
    ])
  })

  const image = { name: 'image', shape: [1, 2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }
  const scale = { name: 'scale', shape: [1, 2], datatype: 'INT64', data: [1, 1] }
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown input', { inputs: [image, scale, { ...scale, name: 'x' }] }, /model m has no input "x" \(inputs: image, scale\)/],
    ['missing input', { inputs: [image] }, /missing input\(s\) scale/],
    ['twice', { inputs: [image, image, scale] }, /input "image" is given twice/],
    ['datatype', { inputs: [{ ...image, datatype: 'FP16' }, scale] }, /input "image": datatype FP16, the model takes FP32/],
    ['rank', { inputs: [{ ...image, shape: [4] }, scale] }, /shape \[4\] does not fit the model's \[-1, 2, 2\]/],
    ['batch sizes', { inputs: [image, { ...scale, shape: [2, 2], data: [1, 1, 1, 1] }] }, /inputs disagree on the batch size \(axis 0\): image 1, scale 2/],
    ['empty batch', { inputs: [{ ...image, shape: [0, 2, 2], data: [] }, { ...scale, shape: [0, 2], data: [] }] }, /batch \(axis 0\) is empty/],
    ['no data', { inputs: [{ ...image, data: undefined }, scale] }, /neither "data" nor parameters.binary_data_size/],
    ['negative dim', { inputs: [{ ...image, shape: [-1, 2, 2] }, scale] }, /inputs.0.shape.0/],
  ]
  for (const [what, json, message] of cases) {
    it(`rejects: ${what}`, () => assert.throws(() => decodeInputs(body(json), SIGNATURE, 'm'), (error: Error) => error.name === 'InvalidInput' && message.test(error.message)))
  }

  it('binary sizes must add up to the bytes after the JSON', () => {
    const binary = { ...image, data: undefined, parameters: { binary_data_size: 16 } }
    assert.throws(() => decodeInputs(body({ inputs: [binary, scale] }, new Uint8Array(8)), SIGNATURE, 'm'), /binary_data_size 16 goes past the 8 bytes/)
    assert.throws(() => decodeInputs(body({ inputs: [binary, scale] }, new Uint8Array(20)), SIGNATURE, 'm'), /4 bytes of binary data after the JSON belong to no input/)
    assert.throws(() => parseInferBody(new Uint8Array(4), '9', undefined, 100), /Inference-Header-Content-Length "9" must be an integer from 0 to the body's 4 bytes/)
    assert.throws(() => parseInferBody(new Uint8Array(4), undefined, 'br', 100), /Content-Encoding br is not supported/)
    assert.throws(() => parseInferBody(new Uint8Array(gzipSync(Buffer.alloc(200))), undefined, 'gzip', 100), { name: 'PayloadTooLarge' })
  })

  it('outputs: every one by default, binary per output or for all; unknown names refused', () => {
    const request = (extra: object) => body({ inputs: [image, scale], ...extra }).request
    assert.deepEqual(requestedOutputs(request({}), SIGNATURE, 'm').map((o) => [o.signature.name, o.binary]), [['boxes', false], ['count', false]])
    const mixed = request({ parameters: { binary_data_output: true }, outputs: [{ name: 'count' }, { name: 'boxes', parameters: { binary_data: false } }] })
    assert.deepEqual(requestedOutputs(mixed, SIGNATURE, 'm').map((o) => [o.signature.name, o.binary]), [['count', true], ['boxes', false]])
    assert.throws(() => requestedOutputs(request({ outputs: [{ name: 'scores' }] }), SIGNATURE, 'm'), /model m has no output "scores" \(outputs: boxes, count\)/)
  })
})
