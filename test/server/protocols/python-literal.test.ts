/**
 * The pipeline's `value` text must read the same with JSON.parse and with Python's literal_eval:
 * the writer, checked with the test's own Python-literal reader, and the reader itself checked on
 * text as Python's str() prints it (tuples, single quotes, escapes, exponents).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toPythonLiteral, type PythonLiteralValue } from '../../../src/server/protocols/python-literal.js'
import { readPythonLiteral } from '../../../src/util/python-literal.js'

describe('toPythonLiteral', () => {
  const samples: PythonLiteralValue[] = [
    [[['纯臻营养护发素', 0.9978013038635254], [[30, 39], [310, 39], [310, 73], [30, 73]]]],
    ['Weimaraner', 'vizsla Hungarian pointer'],
    [0.1, 1e-7, 5e-324, 1e21, -0.5, 0, 1, 123456789],
    [{ bbox: [234, 2, 375, 436], rec_docs: '康师傅矿物质水', rec_scores: 0.37708 }],
    ['quote " and \' and \\ backslash', 'new\nline\ttab\r\u0000nul\u001f\u007f', 'emoji 🍵 \u2028 \ud800 lone'],
    { 'key with "quotes"': [[]], nested: { deeper: ['x'] } },
    [],
  ]

  it('writes text that JSON.parse and a Python-literal reader read to the same value', () => {
    for (const sample of samples) {
      const text = toPythonLiteral(sample)
      assert.deepEqual(JSON.parse(text), sample, text)
      assert.deepEqual(readPythonLiteral(text), sample, text)
    }
  })

  it('separates items like Python str() does and never writes true, false or null', () => {
    assert.equal(toPythonLiteral([['a', 0.5], [[1, 2]]]), '[["a", 0.5], [[1, 2]]]')
    assert.equal(toPythonLiteral({ bbox: [1, 2], rec_docs: 'x' }), '{"bbox": [1, 2], "rec_docs": "x"}')
    for (const bad of [NaN, Infinity, -Infinity, true, null, undefined]) {
      assert.throws(() => toPythonLiteral([bad as unknown as PythonLiteralValue]), TypeError, String(bad))
    }
  })
})

describe('readPythonLiteral (test helper)', () => {
  it('reads what Python str() prints: tuples, single quotes, escapes, exponents, None/True/False', () => {
    assert.deepEqual(readPythonLiteral("[[('纯臻营养护发素', 0.9978013), [[30, 39], [310, 39]]]]"), [[['纯臻营养护发素', 0.9978013], [[30, 39], [310, 39]]]])
    assert.deepEqual(readPythonLiteral("{'bbox': [1, 2], 'rec_docs': 'it\\'s', 'rec_scores': 1.5e-05}"), { bbox: [1, 2], rec_docs: "it's", rec_scores: 1.5e-5 })
    assert.deepEqual(readPythonLiteral("('a',)"), ['a'])
    assert.deepEqual(readPythonLiteral('()'), [])
    assert.deepEqual(readPythonLiteral("'\\x41\\u00e9\\U0001F375\\n\\t\\\\\\101\\0'"), 'Aé🍵\n\t\\A\0')
    assert.deepEqual(readPythonLiteral("r'\\d+' 'x' \"y\""), '\\d+xy')
    assert.deepEqual(readPythonLiteral("'''a'b'''"), "a'b")
    assert.deepEqual(readPythonLiteral('[-1, +2, 1_000, .5, 5., 1E3, -2.5e-3]'), [-1, 2, 1000, 0.5, 5, 1000, -0.0025])
    assert.deepEqual(readPythonLiteral('[None, True, False]'), [null, true, false])
  })

  it('rejects what literal_eval rejects', () => {
    for (const bad of ['[1, 2', "'open", 'inf', 'nan', '[1] 2', 'true', 'null', '007', 'np.float32(0.5)', '1j', "'a\nb'", '']) {
      assert.throws(() => readPythonLiteral(bad), SyntaxError, bad)
    }
  })
})
