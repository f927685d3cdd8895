/**
 * The feature head from manifest fetches + FeaturePool, on hand-built output tensors (batch 1
 * and 2), and the load-time checks that refuse a package that is not a feature model.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError, InferenceError } from '../../../src/engine/errors.js'
import type { TensorSpec } from '../../../src/runtime/manifest.js'
import type { SectionEntry } from '../../../src/runtime/manifest-sections.js'
import { createFeatureHead } from '../../../src/tasks/features/feature-head.js'
import { FeaturePoolSection } from '../../../src/tasks/features/manifest-sections.js'

const fetch = (alias: string, shape: number[]): TensorSpec => ({ name: `${alias}.tmp`, alias, dtype: 'float32', shape })
const pool = (params: Record<string, unknown>): SectionEntry => ({ FeaturePool: params })
const close = (actual: ArrayLike<number>, expected: readonly number[]) => {
  assert.equal(actual.length, expected.length)
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-6, `[${i}] ${actual[i]} vs ${expected[i]}`)
}

describe('feature head', () => {
  test('one 2-D tap `features`: rows L2-normalised, batch order kept', () => {
    const head = createFeatureHead([fetch('features', [-1, 2])], [], 'm.yml')
    assert.equal(head.dim, 2)
    assert.deepEqual(head.segments, [2])
    const [a, b] = head.extract({ features: { data: Float32Array.of(3, 4, 0, -2), dims: [2, 2] } }, 2)
    close(a!, [0.6, 0.8])
    close(b!, [0, -1])
  })

  test('FeaturePool defaults to GeM p=3 over one band', () => {
    const head = createFeatureHead([fetch('features', [-1, 1, 1, 2])], [pool({})], 'm.yml')
    assert.deepEqual(head.taps[0]!.pool, { type: 'gem', p: 3, bands: 1 })
  })

  test('two taps: a 4-D one pooled into 2 bands and a 2-D one, each normalised, then the whole', () => {
    const head = createFeatureHead([fetch('features_2', [-1, 1]), fetch('features_1', [-1, 1, 4, 1])], [pool({ type: 'avg', bands: 2 })], 'm.yml')
    assert.deepEqual(head.taps.map((t) => t.alias), ['features_1', 'features_2'])
    assert.deepEqual(head.segments, [2, 1])
    // features_1: rows 3,3 | 4,4 → bands [3, 4] → [0.6, 0.8]; features_2: [5] → [1]; whole / √2.
    const [v] = head.extract({ features_1: { data: Float32Array.of(3, 3, 4, 4), dims: [1, 1, 4, 1] }, features_2: { data: Float32Array.of(5), dims: [1, 1] } }, 1)
    const s = Math.SQRT1_2
    close(v!, [0.6 * s, 0.8 * s, s])
  })

  test('a wrongly shaped output at run time is an InferenceError naming the tap', () => {
    const head = createFeatureHead([fetch('features', [-1, 3])], [], 'm.yml')
    assert.throws(() => head.extract({ features: { data: new Float32Array(4), dims: [2, 2] } }, 2), (e: unknown) => e instanceof InferenceError && /features \(features\.tmp\) is \[2, 2\], expected \[2, 3\]/.test(e.message))
    assert.throws(() => head.extract({}, 1), /returned no feature tap features/)
  })

  const refused: Array<[string, TensorSpec[], SectionEntry[], RegExp]> = [
    ['no features fetch', [fetch('prediction', [-1, 10])], [], /needs a fetch aliased "features".*it has prediction/],
    ['both naming styles', [fetch('features', [-1, 2]), fetch('features_1', [-1, 2])], [], /not both/],
    ['a gap in the numbering', [fetch('features_1', [-1, 2]), fetch('features_3', [-1, 2])], [], /without gaps/],
    ['a 4-D tap without FeaturePool', [fetch('features', [-1, 8, 7, 7])], [], /needs a FeaturePool/],
    ['a 3-D tap', [fetch('features', [-1, 8, 7])], [], /2-D \[N, D\] or 4-D/],
    ['an undeclared feature size', [fetch('features', [-1, -1])], [], /must be declared/],
    ['FeaturePool without a 4-D tap', [fetch('features', [-1, 8])], [pool({})], /no feature tap is 4-D/],
    ['two FeaturePools', [fetch('features', [-1, 8, 2, 2])], [pool({}), pool({ type: 'avg' })], /at most one FeaturePool/],
    ['a Topk postprocess', [fetch('features', [-1, 8])], [{ Topk: { class_id_map_file: 'labels' } }], /only FeaturePool, not Topk/],
  ]
  for (const [what, fetches, postprocess, message] of refused) {
    test(`refused at load: ${what}`, () => {
      assert.throws(() => createFeatureHead(fetches, postprocess, 'models/x/manifest.yml'), (e: unknown) => e instanceof ConfigError && message.test(e.message) && e.message.startsWith('models/x/manifest.yml'))
    })
  }

  test('FeaturePool parameters are validated by its section schema, at load, naming the key', () => {
    for (const [params, key] of [[{ type: 'max' }, 'type'], [{ bands: 0 }, 'bands'], [{ p: 0.5 }, 'p'], [{ size: 3 }, 'unknown key size']] as const) {
      assert.throws(() => FeaturePoolSection.schema.parse(params))
      assert.throws(
        () => createFeatureHead([fetch('features', [-1, 8, 2, 2])], [pool(params)], 'models/x/manifest.yml'),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith('models/x/manifest.yml: postprocess[0].FeaturePool') && e.message.includes(key),
      )
    }
  })
})
