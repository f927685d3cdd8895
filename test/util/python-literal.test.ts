import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePythonLiteral } from '../../src/util/python-literal.js'

describe('Python literal reader', () => {
  it('reads what Paddle Serving servers print with str()', () => {
    assert.deepEqual(parsePythonLiteral("[[('纯臻营养护发素', 0.99), [[30.0, 39.0], [310, 39]]]]"), [[['纯臻营养护发素', 0.99], [[30, 39], [310, 39]]]])
    assert.deepEqual(parsePythonLiteral("{'label': ['Weimaraner'], 'prob': [0.9997], 'ok': True, 'x': None}"), {
      label: ['Weimaraner'],
      prob: [0.9997],
      ok: true,
      x: null,
    })
    assert.deepEqual(parsePythonLiteral('[1e-05, -2.5E3, .5, 7, "a\\\\b\\n\\u4e2d\\x41"]'), [1e-5, -2500, 0.5, 7, 'a\\b\n中A'])
    assert.deepEqual(parsePythonLiteral('()'), [])
  })

  it('refuses JSON-only words unless asked, and malformed text', () => {
    assert.throws(() => parsePythonLiteral('[true]'), /not a Python literal/)
    assert.deepEqual(parsePythonLiteral('[true, null]', { acceptJson: true }), [true, null])
    assert.throws(() => parsePythonLiteral("['open"), /unterminated string/)
    assert.throws(() => parsePythonLiteral('[1 2]'), /"," or "\]"/)
    assert.throws(() => parsePythonLiteral('[1] x'), /text after the value/)
    assert.throws(() => parsePythonLiteral('['.repeat(1000)), /nesting deeper/)
  })
})
