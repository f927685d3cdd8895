/** Gallery labels: control characters and bidi formatting characters are refused, naming the code point. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { labelProblem } from '../../src/retrieval/data-file.js'

describe('labelProblem', () => {
  it('accepts ordinary labels, Chinese and accented included', () => {
    for (const label of ['康师傅矿物质水', 'Évian 1.5 L', 'a b-c_d', 'שלום', 'مرحبا']) assert.equal(labelProblem(label), undefined, label)
  })

  it('refuses every C0/C1 control and bidi mark, override and isolate, naming the code point', () => {
    const forbidden = [
      ...Array.from({ length: 0x20 }, (_, i) => i),
      ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
      0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
    ]
    for (const code of forbidden) {
      const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
      const problem = labelProblem(`ab${String.fromCharCode(code)}c`)
      assert.ok(problem?.includes(name), `${name}: ${problem}`)
      assert.match(problem!, code <= 0x9f ? /control character/ : /bidirectional formatting character/)
    }
  })

  it('lets the neighbours of the forbidden ranges through', () => {
    for (const code of [0x20, 0xa0, 0x200d, 0x2010, 0x2029, 0x202f, 0x2065, 0x206a]) {
      assert.equal(labelProblem(`a${String.fromCharCode(code)}b`), undefined, code.toString(16))
    }
  })
})
