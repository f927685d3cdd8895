/**
 * Building blocks of malformed requests, as fast-check arbitraries: extreme option values (as raw
 * JSON text, so nesting and huge literals survive), query strings, base64 variants of an image,
 * Content-Type and X-Deadline-Ms headers, and mutations of a JSON text.
 */
import fc from 'fast-check'
import type { ImageCase } from './images.js'

/** Option names of the tasks served (README), plus names nobody knows. */
export const OCR_OPTIONS = ['det', 'rec', 'cls', 'drop_score', 'limit_side_len', 'limit_type', 'thresh', 'box_thresh', 'unclip_ratio', 'deadline_ms']
export const CLASSIFY_OPTIONS = ['topk', 'deadline_ms']
export const RECOGNIZE_OPTIONS = ['index', 'score_thres', 'return_k', 'rec_nms_thresold', 'rec_nms_threshold', 'max_det_results', 'det_threshold', 'deadline_ms']
const UNKNOWN_OPTIONS = ['top_k', 'LIMIT_TYPE', 'model', '__proto__', 'constructor', '', '名前', 'a'.repeat(300)]

const EXTREME_NUMBERS = ['0', '-0', '-1', '1', '3', '4', '20', '21', '31', '32', '0.5', '0.9999999', '1.0000001', '960', '4096', '4097', '30000', '300000', '300001',
  '1e308', '-1e308', '1e999', '9007199254740993', '123456789012345678901234567890', '1e-320', '2.5']
const STRINGS = ['min', 'max', 'MAX', 'resize_long', '', ' ', 'true', 'false', 'null', 'NaN', 'Infinity', '-Infinity', '1e9', '0x10', '٣', '１２', '32px', '\u202e', '\u0000', '😀'.repeat(4)]

/** An option value as raw JSON text. */
export const rawJsonValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EXTREME_NUMBERS) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((n) => JSON.stringify(n)) },
  { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null', '[]', '{}', '[1]', '{"a": 1}', '["min"]', '[32, 64]') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((depth) => '['.repeat(depth) + '1' + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => JSON.stringify('9'.repeat(n))) },
)

/** [name, raw JSON value] pairs of options for a task, some of them unknown. */
export const optionsArb = (names: readonly string[]) =>
  fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_OPTIONS) }), rawJsonValue), { maxLength: 4 })

/** A JSON object text from [key, raw JSON] pairs (duplicate keys kept, as a client may send them). */
export const objectText = (entries: ReadonlyArray<readonly [string, string]>) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`

/** The value as text for a query string or form field (strings unquoted). */
export function plainValue(raw: string): string {
  try {
    const value: unknown = JSON.parse(raw)
    return typeof value === 'string' ? value : raw
  } catch {
    return raw
  }
}

/** Percent-encodes every byte outside printable ASCII (and # & + %), lone surrogates included (as U+FFFD). */
const escape = (text: string, all: boolean) =>
  [...Buffer.from(text, 'utf8')].map((b) => (!all && b > 0x20 && b < 0x7f && !'#&+%'.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('')

const BROKEN_ESCAPES = ['%', '%zz', '%e2%82', '%00', '%2e%2e', '+', '&&', '==', '%ff%fe']

/** `?a=b&...` from options, each value escaped or left raw-ish (with broken % escapes), or nothing. */
export const queryArb = (names: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(optionsArb(names), fc.boolean(), fc.constantFrom('', ...BROKEN_ESCAPES))
    .map(([options, encode, junk]) => {
      if (options.length === 0 && junk === '') return ''
      // Values clipped to 1,000 characters: a URL over 16 KB never gets past Node's parser (oddPaths sends some).
      const pairs = options.map(([k, raw]) => {
        const v = plainValue(raw).slice(0, 1000)
        return `${escape(k, true)}=${escape(v, encode)}`
      })
      return `?${[...pairs, junk].filter((p) => p !== '').join('&')}`
    })

/** The image as base64, or a malformed variant of it, as raw JSON text. */
export function base64Arb(image: fc.Arbitrary<ImageCase>): fc.Arbitrary<{ what: string; raw: string }> {
  return fc.tuple(image, fc.constantFrom('plain', 'data-url', 'newlines', 'urlsafe', 'no-padding', 'invalid-chars', 'empty', 'number', 'array', 'object', 'null')).map(([img, form]) => {
    const b64 = Buffer.from(img.bytes).toString('base64')
    const raws: Record<string, string> = {
      plain: JSON.stringify(b64),
      'data-url': JSON.stringify(`data:image/png;base64,${b64}`),
      newlines: JSON.stringify(b64.replace(/(.{76})/g, '$1\n')),
      urlsafe: JSON.stringify(b64.replace(/\+/g, '-').replace(/\//g, '_')),
      'no-padding': JSON.stringify(b64.replace(/=+$/, '')),
      'invalid-chars': JSON.stringify(`${b64.slice(0, 10)}!!*@${b64.slice(10)}`),
      empty: '""',
      number: '12345',
      array: JSON.stringify([b64]),
      object: JSON.stringify({ data: b64 }),
      null: 'null',
    }
    return { what: `${img.what} as ${form}`, raw: raws[form]! }
  })
}

/** A JSON text left valid most of the time, else truncated, with a byte changed, or wrapped. */
export const jsonMutationArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant((text: string) => text) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f) => (text: string) => text.slice(0, Math.floor(text.length * f))) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('"', '{', ']', ',', '\\', '\u0000', '\ud800', '💥'))
      .map(([f, ch]) => (text: string) => { const at = Math.floor(text.length * f); return text.slice(0, at) + ch + text.slice(at + 1) }),
  },
  { weight: 1, arbitrary: fc.constantFrom((t: string) => `[${t}]`, (t: string) => `${t}${t}`, (t: string) => `\ufeff${t}`, (t: string) => ` \n${t}\n `) },
)

/** Content-Type: the right one most often, else wrong, malformed or absent (undefined). */
export const contentTypeArb = (right: string): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(right) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(undefined, '', 'text/plain', 'application/octet-stream', 'image/svg+xml', 'image/', 'IMAGE/JPEG', 'application/json; charset=utf-16',
        'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/mixed; boundary=x', 'application/problem+json', ';;;', 'a/b/c'),
    },
  )

/** X-Deadline-Ms header values (absent most often). */
export const deadlineHeaderArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '1', '5', '50', '1000', '300000', '300001', 'abc', '1e3', '1.5', '', ' 20 ', '99999999999999999999', '0x10', 'Infinity') },
)

export function headers(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined))
}
