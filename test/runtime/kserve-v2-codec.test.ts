/** KServe v2 bodies ↔ tensors: datatypes, nested JSON data, binary chunks at any byte offset, and errors that say what is wrong. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InferenceError } from '../../src/engine/errors.js'
import { datatypeOf, decodeInferResponse, dtypeOf, encodeInferRequest, modelTensorsOf } from '../../src/runtime/kserve-v2-codec.js'

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe('KServe v2 codec', () => {
  it('maps datatypes both ways and metadata to TensorInfo (-1 dynamic)', () => {
    assert.deepEqual(['FP32', 'INT64', 'INT32', 'UINT8', 'FP16'].map(dtypeOf), ['float32', 'int64', 'int32', 'uint8', 'float16'])
    assert.deepEqual(['float32', 'int64', 'int32', 'uint8'].map(datatypeOf), ['FP32', 'INT64', 'INT32', 'UINT8'])
    const tensors = modelTensorsOf({ inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }], outputs: [{ name: 'y', datatype: 'INT64', shape: [-1] }] }, 'm')
    assert.deepEqual(tensors, { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 3, -1, -1] }], outputs: [{ name: 'y', dtype: 'int64', shape: [-1] }] })
    assert.throws(() => modelTensorsOf({ inputs: [] }, 'remote m'), /remote m: metadata has no "outputs" list/)
  })

  it('encodes JSON inputs with integer types rounded', () => {
    const { body, headers } = encodeInferRequest({ ids: { data: new Float32Array([1.2, 2.7]), dims: [2] } }, [{ name: 'ids', dtype: 'int64', shape: [-1] }], [], false)
    assert.equal(headers['content-type'], 'application/json')
    assert.deepEqual(JSON.parse(body as string), { inputs: [{ name: 'ids', shape: [2], datatype: 'INT64', data: [1, 3] }] })
  })

  it('encodes binary inputs after the JSON header and asks for binary outputs', () => {
    const x = new Float32Array([0.1, -2, 3.5])
    const { body, headers } = encodeInferRequest({ x: { data: x, dims: [1, 3] } }, [{ name: 'x', dtype: 'float32', shape: [-1, 3] }], [{ name: 'y', dtype: 'float32', shape: [-1] }], true)
    const headerLength = Number(headers['inference-header-content-length'])
    const bytes = body as Uint8Array
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerLength)))
    assert.deepEqual(header.inputs[0].parameters, { binary_data_size: 12 })
    assert.deepEqual(header.outputs, [{ name: 'y', parameters: { binary_data: true } }])
    assert.deepEqual(new Float32Array(new Uint8Array(bytes.subarray(headerLength)).buffer), x)
  })

  it('decodes nested JSON data, and binary outputs at an unaligned offset', () => {
    const nested = decodeInferResponse(json({ outputs: [{ name: 'y', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4.5]] }] }), undefined, 'm')
    assert.deepEqual(nested.y, { data: new Float32Array([1, 2, 3, 4.5]), dims: [2, 2] })

    const head = json({ outputs: [{ name: 'n', shape: [1], datatype: 'INT64', parameters: { binary_data_size: 8 } }, { name: 'y', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }] })
    const n = Buffer.alloc(8)
    n.writeBigInt64LE(-7n)
    const y = Buffer.from(new Float32Array([0.25, -1]).buffer)
    const body = Buffer.concat([head, n, y])
    const out = decodeInferResponse(body, head.length, 'm')
    assert.deepEqual([...out.n!.data], [-7])
    assert.deepEqual([...out.y!.data], [0.25, -1])
  })

  it('names the model and the output in errors', () => {
    assert.throws(
      () => decodeInferResponse(json({ outputs: [{ name: 'y', shape: [3], datatype: 'FP32', data: [1, 2] }] }), undefined, 'remote model m'),
      (error: Error) => error instanceof InferenceError && /remote model m, output y: data has 2 values, shape \[3\] needs 3/.test(error.message),
    )
    assert.throws(() => decodeInferResponse(json({ outputs: [{ name: 'y', shape: [1], datatype: 'BYTES', data: ['a'] }] }), undefined, 'm'), /datatype BYTES is not supported/)
    assert.throws(() => decodeInferResponse(json({ model_name: 'm' }), undefined, 'm'), /response has no "outputs" list/)
  })
})
