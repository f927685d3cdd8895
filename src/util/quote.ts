/**
 * A client's value as error messages quote it: JSON-like, and at most a short prefix, so a 10 MB
 * option or key comes back as ~100 characters instead of being echoed in full. Built with a
 * character budget and a depth cap, so a huge or deeply nested value costs next to nothing.
 */
export const QUOTE_MAX_CHARS = 100

const MAX_DEPTH = 8

// JSON.stringify escapes C0 controls only; C1 controls and bidi marks would reorder the message.
const UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const jsonString = (text: string): string =>
  JSON.stringify(text).replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Appends the JSON text of `value` to `out` until `state.left` characters are spent. */
function write(value: unknown, out: string[], state: { left: number }, depth: number): void {
  const put = (text: string) => {
    out.push(text.length > state.left ? text.slice(0, Math.max(state.left, 0)) : text)
    state.left -= text.length
  }
  const clipped = (text: string) => jsonString(text.length > state.left ? text.slice(0, state.left) : text)
  if (state.left <= 0) return
  if (typeof value === 'string') return put(clipped(value))
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return put(String(value))
  if (value === null || typeof value !== 'object') return put(value === null ? 'null' : `<${typeof value}>`)
  if (depth >= MAX_DEPTH) return put(Array.isArray(value) ? '[…]' : '{…}')
  if (Array.isArray(value)) {
    put('[')
    // An index loop, not for-in: for-in lists every index of a 10-million-item array first.
    for (let i = 0; i < value.length && state.left > 0; i++) {
      if (i > 0) put(',')
      write(value[i], out, state, depth + 1)
    }
    return put(']')
  }
  put('{')
  let first = true
  for (const key in value) {
    if (state.left <= 0) return
    if (!Object.hasOwn(value, key)) continue
    if (!first) put(',')
    first = false
    put(`${clipped(key)}:`)
    write((value as Record<string, unknown>)[key], out, state, depth + 1)
  }
  put('}')
}

/** Characters of a string, items of an array: how long the value really is, for the cut message. */
function sizeOf(value: unknown): string {
  if (typeof value === 'string') return `${value.length} characters`
  if (Array.isArray(value)) return `${value.length} items`
  return value !== null && typeof value === 'object' ? `${Object.keys(value).length} keys` : 'cut'
}

/** `value` as JSON text, cut to `max` characters with its real size said (`"abc…" (10485760 characters)`). */
export function quoteValue(value: unknown, max = QUOTE_MAX_CHARS): string {
  const out: string[] = []
  const state = { left: max + 1 } // one more than shown: tells whether anything was cut
  write(value, out, state, 0)
  const text = out.join('')
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${sizeOf(value)})`
}

/** Text shown as it is when short (a name, a header), quoted and cut when long. */
export function clipText(text: string): string {
  return text.length > QUOTE_MAX_CHARS ? quoteValue(text) : text
}

/** A list of client-chosen names (option keys, fields): each clipped, at most `count` of them. */
export function quoteList(names: readonly string[], count = 10): string {
  const shown = names.slice(0, count).map(clipText)
  return names.length > count ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ')
}
