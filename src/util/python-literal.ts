/**
 * A reader of Python literals as ast.literal_eval reads them: Paddle Serving answers carry str()
 * of lists in their values, which `ppserve client` and the tests read (no npm package does). Lists,
 * tuples, dicts, strings (single, double and triple quotes, r/u/b prefixes, adjacent strings joined, every
 * escape), ints, floats (exponent, leading or trailing dot, underscores), True, False, None and
 * negative numbers. Tuples become arrays and None null, so the result compares with JSON.parse.
 * Anything else is a SyntaxError naming the offset.
 */
export type PythonValue = string | number | boolean | null | PythonValue[] | { [key: string]: PythonValue }

const SIMPLE_ESCAPES: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }
const NUMBER = /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?/

class Reader {
  pos = 0
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at offset ${this.pos} of ${JSON.stringify(this.text.slice(0, 80))}`)
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++
  }

  eat(char: string): boolean {
    this.skipSpace()
    if (this.text[this.pos] !== char) return false
    this.pos++
    return true
  }

  value(): PythonValue {
    this.skipSpace()
    const c = this.text[this.pos]
    if (c === '[') return this.sequence(']')
    if (c === '(') return this.sequence(')')
    if (c === '{') return this.dict()
    if (c === '-' || c === '+') {
      this.pos++
      const n = this.value()
      if (typeof n !== 'number') this.fail('a sign before a non-number')
      return c === '-' ? -n : n
    }
    const word = /^(True|False|None)\b/.exec(this.text.slice(this.pos))
    if (word) {
      this.pos += word[1]!.length
      return word[1] === 'None' ? null : word[1] === 'True'
    }
    if (c !== undefined && /[rRuUbB'"]/.test(c)) return this.strings()
    return this.number()
  }

  sequence(close: string): PythonValue[] {
    this.pos++
    const items: PythonValue[] = []
    while (!this.eat(close)) {
      items.push(this.value())
      if (!this.eat(',')) {
        if (this.eat(close)) return items
        this.fail(`expected , or ${close}`)
      }
    }
    return items
  }

  dict(): Record<string, PythonValue> {
    this.pos++
    const result: Record<string, PythonValue> = {}
    while (!this.eat('}')) {
      const key = this.value()
      if (!this.eat(':')) this.fail('expected :')
      result[String(key)] = this.value()
      if (!this.eat(',')) {
        if (this.eat('}')) return result
        this.fail('expected , or }')
      }
    }
    return result
  }

  /** One or more adjacent string literals, joined as Python joins them. */
  strings(): string {
    let text = this.string()
    for (;;) {
      const save = this.pos
      this.skipSpace()
      if (!/^[rRuUbB]{0,2}['"]/.test(this.text.slice(this.pos))) {
        this.pos = save
        return text
      }
      text += this.string()
    }
  }

  string(): string {
    const prefix = /^[rRuUbB]{0,2}/.exec(this.text.slice(this.pos))![0]
    this.pos += prefix.length
    const raw = /r/i.test(prefix)
    const open = this.text[this.pos]
    if (open !== "'" && open !== '"') this.fail('expected a quote')
    const quote = this.text.startsWith(open.repeat(3), this.pos) ? open.repeat(3) : open
    this.pos += quote.length
    let out = ''
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string')
      if (this.text.startsWith(quote, this.pos)) {
        this.pos += quote.length
        return out
      }
      const c = this.text[this.pos++]!
      if (c === '\n' && quote.length === 1) this.fail('newline in a string')
      if (c !== '\\') out += c
      else if (raw) out += c + this.text[this.pos++]!
      else out += this.escape()
    }
  }

  escape(): string {
    const c = this.text[this.pos++]!
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c]!
    const hex = (digits: number) => {
      const code = this.text.slice(this.pos, this.pos + digits)
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(code)) this.fail(`bad \\${c} escape`)
      this.pos += digits
      return String.fromCodePoint(parseInt(code, 16))
    }
    if (c === 'x') return hex(2)
    if (c === 'u') return hex(4)
    if (c === 'U') return hex(8)
    const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.pos - 1))
    if (octal) {
      this.pos += octal[0].length - 1
      return String.fromCharCode(parseInt(octal[0], 8))
    }
    return `\\${c}` // Python keeps unknown escapes as they are
  }

  number(): number {
    const match = NUMBER.exec(this.text.slice(this.pos))![0]
    if (match === '' || match === '.' || /^\.?[eE]/.test(match)) this.fail('expected a value')
    // Python rejects leading zeros in non-zero ints (007), which JSON does too.
    if (/^0\d/.test(match) && !/[.eE]/.test(match)) this.fail('leading zero')
    this.pos += match.length
    if (/^[jJlL]/.test(this.text.slice(this.pos))) this.fail('complex and long literals are not read')
    return Number(match.replace(/_/g, ''))
  }
}

export function readPythonLiteral(text: string): PythonValue {
  const reader = new Reader(text)
  const value = reader.value()
  reader.skipSpace()
  if (reader.pos !== text.length) reader.fail('trailing text')
  return value
}
