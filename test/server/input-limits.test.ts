/** The body-shape limits on their own: JSON depth, multipart part counts, images in text fields. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidInput } from '../../src/engine/errors.js'
import { checkJsonDepth, checkMultipartParts, checkTextField, MAX_FORM_FIELDS, MAX_JSON_DEPTH } from '../../src/server/input-limits.js'

const nested = (levels: number, leaf = '1'): unknown => JSON.parse('['.repeat(levels) + leaf + ']'.repeat(levels))
const refused = (pattern: RegExp) => (error: unknown) => error instanceof InvalidInput && pattern.test(error.message)

describe('checkJsonDepth', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}, naming the limit`, () => {
    checkJsonDepth(nested(MAX_JSON_DEPTH))
    checkJsonDepth({ image: 'abc', options: { a: [1, 2, { b: [3] }] } })
    checkJsonDepth('just a string')
    assert.throws(() => checkJsonDepth(nested(MAX_JSON_DEPTH + 1)), refused(/nested more than 64 levels/))
    assert.throws(() => checkJsonDepth({ a: { b: nested(MAX_JSON_DEPTH - 1) } }), refused(/64 levels/))
  })

  it('refuses 100,000 levels with InvalidInput, not a stack overflow, at once', () => {
    const value = { image: 'abc', deadline_ms: nested(100_000) }
    const started = performance.now()
    assert.throws(() => checkJsonDepth(value), refused(/64 levels/))
    assert.ok(performance.now() - started < 50)
  })
})

describe('checkMultipartParts', () => {
  const body = (parts: number, boundary = 'XyZ') => {
    let text = ''
    for (let i = 0; i < parts; i++) text += `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`
    return new Uint8Array(Buffer.from(`${text}--${boundary}--\r\n`))
  }
  const type = 'multipart/form-data; boundary=XyZ'

  it('accepts up to max files + MAX_FORM_FIELDS parts', () => {
    checkMultipartParts(body(16 + MAX_FORM_FIELDS), type, 16)
    checkMultipartParts(body(1), 'multipart/form-data; boundary="XyZ"', 1)
  })

  it('refuses one part more, and 100,000 parts within milliseconds', () => {
    assert.throws(() => checkMultipartParts(body(16 + MAX_FORM_FIELDS + 1), type, 16), refused(/more than 48 parts.*16 files \(limits.max_images_per_request\) and 32 other fields/))
    const huge = body(100_000)
    const started = performance.now()
    assert.throws(() => checkMultipartParts(huge, type, 16), refused(/more than 48 parts/))
    assert.ok(performance.now() - started < 100, `${(performance.now() - started).toFixed(0)} ms`)
  })

  it('leaves a body without a boundary to the parser', () => {
    checkMultipartParts(body(1000), 'multipart/form-data', 16)
  })
})

describe('checkTextField', () => {
  it('refuses image fields and image bytes sent as text, saying to attach a file', () => {
    assert.throws(() => checkTextField('image', 'aGVsbG8='), refused(/"image" is a text field, not a file: attach the image as a file/))
    assert.throws(() => checkTextField('photo', '\uFFFD\uFFFD\uFFFD\uFFFD\u0010JFIF'), refused(/attach the image as a file/))
    assert.throws(() => checkTextField('x', '\uFFFDPNG\r\n'), refused(/attach the image as a file/))
    assert.throws(() => checkTextField('x', 'data:image/png;base64,AAAA'), refused(/attach/))
  })

  it('lets options and labels through', () => {
    checkTextField('det', 'true')
    checkTextField('label', '康师傅矿物质水')
    checkTextField('label', 'BMW')
  })
})
