/**
 * ResNet50_vd's op set in one small graph (its weights are not available here): conv2d,
 * batch_norm, relu, max pool, ceil-mode average pool (the "vd" shortcut), elementwise_add,
 * adaptive average pool, flatten_contiguous_range, matmul_v2, softmax.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { convertProgram } from '../../src/convert/convert-program.js'
import { randomParams } from '../../src/convert/paddle/random-params.js'
import { buildProgram, runGraph, type GraphSpec } from './helpers/op-graph.js'

const C = 4
const spec: GraphSpec = {
  vars: {
    inputs: { dims: [-1, 3, 15, 15] },
    w1: { dims: [C, 3, 3, 3], value: Array.from({ length: C * 27 }, (_, i) => ((i % 7) - 3) / 10) },
    scale: { dims: [C], value: [1, 1, 1, 1] }, bias: { dims: [C], value: [0, 0.1, 0.2, 0.3] },
    mean: { dims: [C], value: [0, 0, 0, 0] }, variance: { dims: [C], value: [1, 1, 1, 1] },
    fc: { dims: [C, 3], value: Array.from({ length: C * 3 }, (_, i) => (i % 5) / 5) },
    conv: { dims: [-1, C, 8, 8] }, bn: { dims: [-1, C, 8, 8] }, act: { dims: [-1, C, 8, 8] },
    maxp: { dims: [-1, C, 4, 4] }, avgp: { dims: [-1, C, 4, 4] }, sum: { dims: [-1, C, 4, 4] },
    gap: { dims: [-1, C, 1, 1] }, flat: { dims: [-1, C] }, logits: { dims: [-1, 3] }, probs: { dims: [-1, 3] },
  },
  ops: [
    { type: 'conv2d', inputs: { Input: ['inputs'], Filter: ['w1'] }, outputs: { Output: ['conv'] }, attrs: { strides: [2, 2], paddings: [1, 1], groups: 1 } },
    { type: 'batch_norm', inputs: { X: ['conv'], Scale: ['scale'], Bias: ['bias'], Mean: ['mean'], Variance: ['variance'] }, outputs: { Y: ['bn'] }, attrs: { epsilon: 1e-5 } },
    { type: 'relu', inputs: { X: ['bn'] }, outputs: { Out: ['act'] } },
    { type: 'pool2d', inputs: { X: ['act'] }, outputs: { Out: ['maxp'] }, attrs: { pooling_type: 'max', ksize: [3, 3], strides: [2, 2], paddings: [1, 1] } },
    { type: 'pool2d', inputs: { X: ['act'] }, outputs: { Out: ['avgp'] }, attrs: { pooling_type: 'avg', ksize: [2, 2], strides: [2, 2], paddings: [0, 0], ceil_mode: true, exclusive: true } },
    { type: 'elementwise_add', inputs: { X: ['maxp'], Y: ['avgp'] }, outputs: { Out: ['sum'] }, attrs: { axis: -1 } },
    { type: 'pool2d', inputs: { X: ['sum'] }, outputs: { Out: ['gap'] }, attrs: { pooling_type: 'avg', ksize: [1, 1], adaptive: true } },
    { type: 'flatten_contiguous_range', inputs: { X: ['gap'] }, outputs: { Out: ['flat'] }, attrs: { start_axis: 1, stop_axis: 3 } },
    { type: 'matmul_v2', inputs: { X: ['flat'], Y: ['fc'] }, outputs: { Out: ['logits'] }, attrs: { trans_x: false, trans_y: false } },
    { type: 'softmax', inputs: { X: ['logits'] }, outputs: { Out: ['probs'] }, attrs: { axis: -1 } },
  ],
  feeds: ['inputs'],
  fetches: ['probs'],
}

test('a ResNet50_vd-shaped graph converts and yields a probability row per image', async () => {
  const data = Array.from({ length: 2 * 3 * 15 * 15 }, (_, i) => Math.sin(i))
  const out = await runGraph(spec, { inputs: { dims: [2, 3, 15, 15], data } })
  assert.deepEqual(out.probs!.dims, [2, 3])
  for (const row of [0, 1]) {
    const sum = out.probs!.data.slice(row * 3, row * 3 + 3).reduce((a, b) => a + b, 0)
    assert.ok(Math.abs(sum - 1) < 1e-5)
  }
  const { program } = buildProgram(spec)
  const converted = convertProgram(program, randomParams(3))
  assert.deepEqual([...converted.opCounts.keys()].sort(), ['batch_norm', 'conv2d', 'elementwise_add', 'flatten_contiguous_range', 'matmul_v2', 'pool2d', 'relu', 'softmax'])
})
