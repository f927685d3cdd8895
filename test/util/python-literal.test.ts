import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readPythonLiteral } from '../../src/util/python-literal.js'

describe('Python literal reader', () => {
  it('reads what Paddle Serving servers print with str()', () => {
    assert.deepEqual(readPythonLiteral("[[('纯臻营养护发素', 0.99), [[30.0, 39.0], [310, 39]]]]"), [[['纯臻营养护发素', 0.99], [[30, 39], [310, 39]]]])
    assert.deepEqual(readPythonLiteral("{'label': ['Weimaraner'], 'prob': [0.9997], 'ok': True, 'x': None}"), {
      label: ['Weimaraner'],
      prob: [0.9997],
      ok: true,
      x: null,
    })
    assert.deepEqual(readPythonLiteral('[1e-05, -2.5E3, .5, 7, "a\\\\b\\n\\u4e2d\\x41"]'), [1e-5, -2500, 0.5, 7, 'a\\b\n中A'])
    assert.deepEqual(readPythonLiteral('()'), [])
  })

  it('refuses JSON-only words and malformed text', () => {
    for (const text of ['[true]', '[null]', "['open", '[1 2]', '[1] x']) assert.throws(() => readPythonLiteral(text), SyntaxError, text)
  })
})
