/**
 * A restricted reader for Python pickles (protocols 2–5) holding a dict of integers to strings:
 * PaddleClas's id_map.pkl. It never runs code: it interprets a fixed opcode subset itself and
 * refuses everything else with PickleRefused.
 *
 * Real PaddleClas files key the dict by numpy.int64, pickled as two calls, which are therefore
 * recognised by name and evaluated here (never imported or called):
 *   numpy.dtype('i8', False, True) + BUILD (3, '<', ...)  and
 *   numpy.core.multiarray.scalar(dtype, <8 raw bytes>)  (numpy._core.multiarray in numpy 2).
 * Any other global, or those with another argument shape, is refused.
 */
import { PickleRefused } from './errors.js'

class NumpyDtype {
  byteOrder: '<' | '>' = '<'
  constructor(
    readonly kind: 'i' | 'u',
    readonly size: 1 | 2 | 4 | 8,
  ) {}
}

class Global {
  constructor(readonly name: string) {}
}

type Value = null | boolean | number | string | Uint8Array | Value[] | Map<number, Value> | NumpyDtype | Global
const MARK = Symbol('mark')
type Slot = Value | typeof MARK

const SCALAR_NAMES = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar'])
const ALLOWED_GLOBALS = new Set([...SCALAR_NAMES, 'numpy.dtype'])

/** Opcode names, for refusal messages only. */
const OPCODE_NAMES: Record<string, string> = {
  c: 'GLOBAL', '\x93': 'STACK_GLOBAL', R: 'REDUCE', b: 'BUILD', i: 'INST', o: 'OBJ', '\x81': 'NEWOBJ',
  '\x92': 'NEWOBJ_EX', S: 'STRING', U: 'SHORT_BINSTRING', T: 'BINSTRING', V: 'UNICODE', I: 'INT', L: 'LONG', P: 'PERSID',
  Q: 'BINPERSID', '\x82': 'EXT1', '\x83': 'EXT2', '\x84': 'EXT4', G: 'BINFLOAT', F: 'FLOAT', '\x90': 'ADDITEMS',
}

export class PickleReader {
  private at = 0
  private readonly stack: Slot[] = []
  private readonly memo = new Map<number, Value>()
  private readonly view: DataView

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  private refuse(why: string): never {
    throw new PickleRefused(`${this.source}: ${why} (at byte ${this.at}); only a dict of integers to strings is accepted, and the reader never runs code`)
  }

  private take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) this.refuse('the pickle ends early')
    const out = this.bytes.subarray(this.at, this.at + n)
    this.at += n
    return out
  }
  private u8 = () => this.take(1)[0]!
  private u16 = () => (this.take(2), this.view.getUint16(this.at - 2, true))
  private u32 = () => (this.take(4), this.view.getUint32(this.at - 4, true))
  private i32 = () => (this.take(4), this.view.getInt32(this.at - 4, true))
  private u64 = () => {
    this.take(8)
    const value = this.view.getBigUint64(this.at - 8, true)
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.refuse('a length is too large')
    return Number(value)
  }
  private text = (n: number) => new TextDecoder('utf-8', { fatal: true }).decode(this.take(n))

  private pop(): Value {
    const top = this.stack.pop()
    if (top === undefined || top === MARK) this.refuse('the stack is empty where a value was expected')
    return top
  }
  private popToMark(): Value[] {
    const mark = this.stack.lastIndexOf(MARK)
    if (mark < 0) this.refuse('no MARK on the stack')
    const items = this.stack.splice(mark) as Value[]
    items.shift()
    return items
  }
  private top(): Value {
    const value = this.stack[this.stack.length - 1]
    if (value === undefined || value === MARK) this.refuse('the stack is empty where a value was expected')
    return value
  }

  private setItems(items: Value[]): void {
    const dict = this.top()
    if (!(dict instanceof Map)) this.refuse('SETITEM(S) on something that is not a dict')
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = items[i]
      if (typeof key !== 'number') this.refuse(`a dict key is ${describe(key)}, not an integer`)
      dict.set(key, items[i + 1]!)
    }
  }

  private reduce(callable: Value, args: Value): Value {
    if (!(callable instanceof Global) || !Array.isArray(args)) this.refuse('REDUCE of something that is not an allowed global')
    if (callable.name === 'numpy.dtype') {
      const [code, align, copy] = args
      const match = typeof code === 'string' ? /^([iu])([1248])$/.exec(code) : null
      if (!match || args.length !== 3 || typeof align !== 'boolean' || typeof copy !== 'boolean') this.refuse(`numpy.dtype${describe(args)} is not an integer dtype`)
      return new NumpyDtype(match[1] as 'i' | 'u', Number(match[2]) as 1 | 2 | 4 | 8)
    }
    const [dtype, raw] = args
    if (args.length !== 2 || !(dtype instanceof NumpyDtype) || !(raw instanceof Uint8Array) || raw.length !== dtype.size) {
      this.refuse(`${callable.name} is allowed only for an integer dtype and its raw bytes`)
    }
    return scalarValue(dtype, raw, (why) => this.refuse(why))
  }

  private build(state: Value): void {
    const target = this.top()
    const order = Array.isArray(state) ? state[1] : undefined
    if (!(target instanceof NumpyDtype) || !Array.isArray(state) || state.length !== 8 || (order !== '<' && order !== '>' && order !== '|' && order !== '=')) {
      this.refuse('BUILD is allowed only for the state of a numpy integer dtype')
    }
    target.byteOrder = order === '>' ? '>' : '<'
  }

  private global(name: string): Global {
    if (!ALLOWED_GLOBALS.has(name)) this.refuse(`the pickle asks for the Python object ${name}`)
    return new Global(name)
  }

  /** Runs the opcodes up to STOP and returns the final value. */
  read(): Value {
    const protocol = this.u8() === 0x80 ? this.u8() : this.refuse('no PROTO opcode: protocols 0 and 1 are not supported')
    if (protocol < 2 || protocol > 5) this.refuse(`pickle protocol ${protocol} is not supported (2–5 are)`)
    for (;;) {
      const op = String.fromCharCode(this.u8())
      switch (op) {
        case '.': return this.pop() // STOP
        case '\x95': this.u64(); break // FRAME: framing only, the bytes follow inline
        case '(': this.stack.push(MARK); break
        case '}': this.stack.push(new Map()); break
        case ')': this.stack.push([]); break
        case 't': this.stack.push(this.popToMark()); break
        case '\x85': this.stack.push([this.pop()]); break
        case '\x86': { const b = this.pop(); this.stack.push([this.pop(), b]); break }
        case '\x87': { const c = this.pop(); const b = this.pop(); this.stack.push([this.pop(), b, c]); break }
        case 's': { const value = this.pop(); this.setItems([this.pop(), value]); break }
        case 'u': this.setItems(this.popToMark()); break
        case '\x94': this.memo.set(this.memo.size, this.top()); break // MEMOIZE
        case 'q': this.memo.set(this.u8(), this.top()); break // BINPUT
        case 'r': this.memo.set(this.u32(), this.top()); break // LONG_BINPUT
        case 'h': case 'j': { // BINGET, LONG_BINGET
          const key = op === 'h' ? this.u8() : this.u32()
          const value = this.memo.get(key)
          if (value === undefined) this.refuse(`memo ${key} was never stored`)
          this.stack.push(value)
          break
        }
        case 'K': this.stack.push(this.u8()); break // BININT1
        case 'M': this.stack.push(this.u16()); break // BININT2
        case 'J': this.stack.push(this.i32()); break // BININT
        case '\x8a': this.stack.push(longValue(this.take(this.u8()), (why) => this.refuse(why))); break // LONG1
        case 'N': this.stack.push(null); break
        case '\x88': this.stack.push(true); break
        case '\x89': this.stack.push(false); break
        case '\x8c': this.stack.push(this.text(this.u8())); break // SHORT_BINUNICODE
        case 'X': this.stack.push(this.text(this.u32())); break // BINUNICODE
        case '\x8d': this.stack.push(this.text(this.u64())); break // BINUNICODE8
        case 'C': this.stack.push(this.take(this.u8()).slice()); break // SHORT_BINBYTES
        case 'B': this.stack.push(this.take(this.u32()).slice()); break // BINBYTES
        case '\x93': { // STACK_GLOBAL
          const name = this.pop()
          const module = this.pop()
          if (typeof module !== 'string' || typeof name !== 'string') this.refuse('STACK_GLOBAL without two strings')
          this.stack.push(this.global(`${module}.${name}`))
          break
        }
        case 'c': this.stack.push(this.global(this.line().replace('\n', '.').trimEnd())); break // GLOBAL "module\nname\n"
        case 'R': { const args = this.pop(); this.stack.push(this.reduce(this.pop(), args)); break }
        case 'b': this.build(this.pop()); break
        default: this.refuse(`opcode ${OPCODE_NAMES[op] ?? `0x${op.charCodeAt(0).toString(16)}`} is not allowed`)
      }
    }
  }

  /** GLOBAL's argument: two newline-terminated lines. */
  private line(): string {
    let end = this.at
    for (let lines = 0; lines < 2; end++) {
      if (end >= this.bytes.length) this.refuse('GLOBAL is not terminated')
      if (this.bytes[end] === 0x0a) lines++
    }
    return this.text(end - this.at)
  }
}

function describe(value: unknown): string {
  if (value instanceof Global) return value.name
  if (value instanceof Map) return 'a dict'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (value instanceof NumpyDtype) return `numpy dtype ${value.kind}${value.size}`
  if (Array.isArray(value)) return `(${value.map(describe).join(', ')})`
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

function scalarValue(dtype: NumpyDtype, raw: Uint8Array, refuse: (why: string) => never): number {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const little = dtype.byteOrder === '<'
  const signed = dtype.kind === 'i'
  const big =
    dtype.size === 8 ? (signed ? view.getBigInt64(0, little) : view.getBigUint64(0, little))
    : dtype.size === 4 ? BigInt(signed ? view.getInt32(0, little) : view.getUint32(0, little))
    : dtype.size === 2 ? BigInt(signed ? view.getInt16(0, little) : view.getUint16(0, little))
    : BigInt(signed ? view.getInt8(0) : view.getUint8(0))
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) refuse(`integer ${big} is beyond 2^53`)
  return Number(big)
}

/** LONG1: little-endian two's complement of any length. */
function longValue(raw: Uint8Array, refuse: (why: string) => never): number {
  let value = 0n
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!)
  if (raw.length > 0 && raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(8 * raw.length)
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) refuse(`integer ${value} is beyond 2^53`)
  return Number(value)
}

/** Reads a pickled dict of integers to strings (see the file comment for what is accepted). */
export function readIntStringDict(bytes: Uint8Array, source: string): Map<number, string> {
  const reader = new PickleReader(bytes, source)
  const value = reader.read()
  if (!(value instanceof Map)) throw new PickleRefused(`${source}: the pickle holds ${describe(value)}, not a dict`)
  for (const [key, item] of value) {
    if (typeof item !== 'string') throw new PickleRefused(`${source}: the value for key ${key} is ${describe(item)}, not a string`)
  }
  return value as Map<number, string>
}
