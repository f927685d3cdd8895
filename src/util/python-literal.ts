/**
 * Reads a Python literal (what `ast.literal_eval` accepts, as far as servers print it): lists,
 * tuples, dicts, strings (single or double quotes, escapes), ints, floats, True/False/None.
 * Paddle Serving puts `str(list)` in its response `value` fields and its official clients
 * `eval()` them; the client reads both those and our JSON-compatible ones. No npm package reads
 * Python literals, hence this small recursive-descent reader. Tests use it to prove a value is
 * what Python itself would read.
 */
export type PythonValue = null | boolean | number | string | PythonValue[] | { [key: string]: PythonValue }

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', b: '\b', f: '\f' }
/** Deeper than any server output; stops hostile input from overflowing the stack. */
const MAX_DEPTH = 200

/** `acceptJson` also takes JSON's true/false/null (a client reading either kind of server). */
export function parsePythonLiteral(text: string, options: { acceptJson?: boolean } = {}): PythonValue {
  const words = options.acceptJson ? /^(True|False|None|true|false|null)\b/ : /^(True|False|None)\b/
  let at = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`not a Python literal: ${what} at offset ${at}: ${JSON.stringify(text.slice(at, at + 20))}`)
  }
  const space = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++
  }
  const string = (): string => {
    const quote = text[at++]!
    let out = ''
    while (at < text.length && text[at] !== quote) {
      const ch = text[at++]!
      if (ch !== '\\') {
        out += ch
        continue
      }
      const next = text[at++] ?? fail('a dangling escape')
      if (next === 'u' || next === 'x' || next === 'U') {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8
        const hex = text.slice(at, at + width)
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) fail('a bad \\' + next + ' escape')
        out += String.fromCodePoint(parseInt(hex, 16))
        at += width
      } else out += ESCAPES[next] ?? `\\${next}`
    }
    if (text[at++] !== quote) fail('an unterminated string')
    return out
  }
  const sequence = (close: string, depth: number): PythonValue[] => {
    const items: PythonValue[] = []
    space()
    while (text[at] !== close) {
      items.push(value(depth + 1))
      space()
      if (text[at] === ',') at++
      else if (text[at] !== close) fail(`"," or "${close}"`)
      space()
    }
    at++
    return items
  }
  const dict = (depth: number): { [key: string]: PythonValue } => {
    const out: { [key: string]: PythonValue } = {}
    space()
    while (text[at] !== '}') {
      const key = value(depth + 1)
      space()
      if (text[at++] !== ':') fail('":"')
      out[String(key)] = value(depth + 1)
      space()
      if (text[at] === ',') at++
      else if (text[at] !== '}') fail('"," or "}"')
      space()
    }
    at++
    return out
  }
  const value = (depth: number): PythonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`)
    space()
    const ch = text[at]
    if (ch === undefined) return fail('the end of the text')
    if (ch === '[') return at++, sequence(']', depth)
    if (ch === '(') return at++, sequence(')', depth)
    if (ch === '{') return at++, dict(depth)
    if (ch === '"' || ch === "'") return string()
    const word = words.exec(text.slice(at))
    if (word) {
      at += word[0].length
      return word[0] === 'True' || word[0] === 'true' ? true : word[0] === 'False' || word[0] === 'false' ? false : null
    }
    const number = /^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|inf|nan)/i.exec(text.slice(at))
    if (!number) return fail('a value')
    at += number[0].length
    return Number(number[0].replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN'))
  }
  const result = value(0)
  space()
  if (at !== text.length) fail('text after the value')
  return result
}
