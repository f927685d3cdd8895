/**
 * Building blocks of gallery and PaddleX index requests, as fast-check arbitraries: labels
 * (unicode, control and bidi characters, over-long, empty, prototype names), index names
 * (traversal, dots, unicode, the index folder's own file names), item ids and Authorization
 * headers. `BUILT_INDEX` stands for the gallery the suite's last successful /shitu-index-build
 * made (its name is a UUID only known then): ./gallery-state.ts resolves it before sending.
 */
import fc from 'fast-check'
import { SEED_LABELS } from './gallery-seed.js'
import { rawJsonValue } from './values.js'

export const BUILT_INDEX = '{{built-index}}'

/** The gallery token the fuzz server is configured with (gallery changes need it). */
export const GALLERY_TOKEN = 'fuzz-gallery-token-0123456789'

/** Labels the suite adds and removes most, so removals by label often find something. */
const LABEL_POOL = [...SEED_LABELS, 'fuzz-a', 'fuzz b', '新品', '__proto__', 'constructor', 'toString', 'hasOwnProperty']
const TRICKY_LABELS = [
  '', ' ', '\u3000', '\t', 'a\tb', 'line\nbreak', 'cr\r', 'nul\u0000', 'del\u007f', 'c1\u0085', 'rlo\u202eevil', 'lrm\u200e', 'rli\u2067x\u2069', 'alm\u061c', 'zwsp\u200b',
  '👨‍👩‍👧', 'e\u0301', '\ufeffbom', '\u00a0nbsp', '..', '../../etc/passwd', 'a/b', 'C:\\x', '%2e%2e', '<script>', '"q"', "it's", '\\', 'null', '0', '1e3',
  'x'.repeat(128), 'x'.repeat(129), '漢'.repeat(128), '漢'.repeat(129), '😀'.repeat(64), '😀'.repeat(65), 'a'.repeat(5000), 'lone\ud800', '\udfff',
]

/** A label as a JS string (each request form carries it its own way). */
export const labelArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LABEL_POOL) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_LABELS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
)

/** Index names as a client might send them, before any encoding. */
const INDEX_NAMES = [
  'nosuch', 'Drink', 'drink.', 'drink..', '.drink', '..', '.', '...', '../..', '../../tmp', 'a/../drink', 'drink/..', 'drink%2f..', '%2e%2e', 'drink\u0000', 'drink ', ' drink',
  'a'.repeat(64), 'a'.repeat(65), 'напиток', '饮料', 'con', 'NUL', '-x', '_x', 'x-', 'CURRENT', 'gen-000001', 'uploads', 'whitening.bin', '00000000-0000-4000-8000-000000000000', '',
]
export const indexNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('drink') },
  { weight: 4, arbitrary: fc.constant(BUILT_INDEX) },
  { weight: 3, arbitrary: fc.constantFrom(...INDEX_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
)

/**
 * Percent-encodes a path segment: `raw` escapes only what cannot be sent (non-printable and
 * non-ASCII bytes), so `/`, `..` and `%` escapes in the name reach the server as they are.
 */
export function pathSegment(text: string, raw: boolean): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => (raw ? b > 0x20 && b < 0x7f : /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('')
}

/** Percent-encodes a query value (every reserved byte, lone surrogates as U+FFFD). */
export const queryValue = (text: string): string => pathSegment(text, false)

/** Item ids in a path: mostly ids the galleries hold or held, then malformed ones. */
export const pathIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('-1', '1.0', '1e3', '0x1', '00', '007', '9'.repeat(15), '9'.repeat(16), '9007199254740993', '%201', '%31', '%EF%BC%91', '%D9%A3', 'NaN', 'abc', '1%2F2', '%2e%2e', '%00', '1;2'),
  },
)

/** PaddleX `ids`, as raw JSON: a list of known-ish ids most often, else anything. */
export const idsJsonArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 }).map((ids) => JSON.stringify(ids)) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }).map(String), rawJsonValue, fc.constantFrom('-1', '1.5', '1e300', '9007199254740993', '"3"')), { maxLength: 4 }).map((ids) => `[${ids.join(', ')}]`) },
  { weight: 1, arbitrary: rawJsonValue },
)

/** An index name as raw JSON (PaddleX's indexKey): a name most often, else any value. */
export const indexKeyJsonArb: fc.Arbitrary<string> = fc.oneof({ weight: 6, arbitrary: indexNameArb.map((name) => JSON.stringify(name)) }, { weight: 1, arbitrary: rawJsonValue })

/** A label as raw JSON: a string most often, else any value. */
export const labelJsonArb: fc.Arbitrary<string> = fc.oneof({ weight: 6, arbitrary: labelArb.map((label) => JSON.stringify(label)) }, { weight: 1, arbitrary: rawJsonValue })

/** Authorization header values (undefined: none); Node's client only sends latin-1 without controls but tab. */
export const authorizationArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(`Bearer ${GALLERY_TOKEN}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', `bearer ${GALLERY_TOKEN}`, `BEARER   ${GALLERY_TOKEN}  `, `Bearer\t${GALLERY_TOKEN}`, `Bearer ${GALLERY_TOKEN}x`, `Bearer ${GALLERY_TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`user:${GALLERY_TOKEN}`).toString('base64')}`, `Token ${GALLERY_TOKEN}`, `Bearer x, Bearer ${GALLERY_TOKEN}`, 'Bearer t\u00f6k\u00e9n', `Bearer ${'a'.repeat(20_000)}`),
  },
)
