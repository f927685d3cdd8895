/** Error messages quote client values short: a 10 MB value or a deeply nested one costs ~100 characters. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clipText, quoteList, quoteValue } from '../../src/util/quote.js'

const deepArray = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels))

describe('quoteValue', () => {
  it('quotes short values as JSON, unchanged', () => {
    assert.equal(quoteValue('soon'), '"soon"')
    assert.equal(quoteValue(2), '2')
    assert.equal(quoteValue(null), 'null')
    assert.equal(quoteValue([1, 'a', { b: true }]), '[1,"a",{"b":true}]')
  })

  it('cuts a 10 MB string to 100 characters and says its length', () => {
    const value = 'x'.repeat(10 * 1024 * 1024)
    const quoted = quoteValue(value)
    assert.ok(quoted.length < 130, `${quoted.length} characters`)
    assert.ok(quoted.startsWith('"xxxx'))
    assert.match(quoted, /… \(10485760 characters\)$/)
  })

  it('cuts a 10-million-item array without visiting it all', () => {
    const value = new Array(10_000_000).fill(7)
    const started = performance.now()
    const quoted = quoteValue(value)
    assert.ok(performance.now() - started < 50, 'no walk over every item')
    assert.match(quoted, /^\[7,7,.*… \(10000000 items\)$/)
  })

  it('does not overflow on 100,000 levels of nesting', () => {
    const quoted = quoteValue(deepArray(100_000))
    assert.ok(quoted.length < 130)
    assert.match(quoted, /^\[\[\[/)
  })

  it('escapes bidi overrides and C1 controls, which JSON.stringify leaves raw', () => {
    assert.equal(quoteValue('a\u202eb\u0085'), '"a\\u202eb\\u0085"')
  })

  it('clipText and quoteList keep short names as they are and clip long ones', () => {
    assert.equal(clipText('limit_type'), 'limit_type')
    assert.ok(clipText('k'.repeat(1_000_000)).length < 130)
    const names = Array.from({ length: 50 }, (_, i) => `option${i}`)
    assert.equal(quoteList(names.slice(0, 2)), 'option0, option1')
    assert.match(quoteList(names), /option9, … \(50 in all\)$/)
  })
})
