/**
 * Text for Paddle Serving's `value` strings that both JSON.parse and Python's eval /
 * ast.literal_eval read to the same thing. Paddle's own servers put Python `str()` of lists there
 * and its clients eval() it, so the text must stay inside the common subset of the two languages:
 * lists, string-keyed dicts, strings, finite numbers — no true/false/null (not Python), no tuples
 * or single quotes (not JSON). JSON's string escapes (\" \\ \n \t \uXXXX ...) mean the same in
 * Python, and JSON's number forms (1, 0.25, 1e-7, 1e+21) are Python int/float literals.
 */
export type PythonLiteralValue = string | number | readonly PythonLiteralValue[] | { readonly [key: string]: PythonLiteralValue }

export function toPythonLiteral(value: PythonLiteralValue): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    // NaN and ±Infinity have no literal in either language (JSON.stringify would write null).
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a Python literal`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item) => toPythonLiteral(item as PythonLiteralValue)).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined)
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${toPythonLiteral(item)}`).join(', ')}}`
  }
  // Booleans and null would read as NameError in Python; the formatters never produce them.
  throw new TypeError(`cannot write ${String(value)} (${typeof value}) as a Python literal`)
}
