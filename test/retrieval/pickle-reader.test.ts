import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { PickleRefused } from '../../src/retrieval/errors.js'
import { readIntStringDict } from '../../src/retrieval/pickle-reader.js'
import { asset, needsSharedAssets } from '../helpers/shared-assets.js'

/** Byte builder for hand-made pickles (opcodes as in CPython's Lib/pickle.py). */
function bytes(...parts: Array<number | string | Uint8Array | number[]>): Uint8Array {
  const chunks = parts.map((part) =>
    typeof part === 'number' ? [part] : typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : [...part],
  )
  return Uint8Array.from(chunks.flat())
}
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]
const u64 = (n: bigint) => [...Buffer.from(new BigInt64Array([n]).buffer)]
/** BINUNICODE (protocol 2's str) and SHORT_BINUNICODE (protocol 4's). */
const binunicode = (s: string) => [0x58, ...u32(Buffer.byteLength(s)), ...Buffer.from(s)]
const short = (s: string) => [0x8c, Buffer.byteLength(s), ...Buffer.from(s)]

/** numpy.int64(value) the way numpy pickles it: STACK_GLOBAL scalar(dtype('i8') + BUILD, raw bytes). */
function numpyInt64(value: bigint, module = 'numpy.core.multiarray'): number[] {
  return [
    ...short(module), ...short('scalar'), 0x93,
    ...short('numpy'), ...short('dtype'), 0x93,
    ...short('i8'), 0x89, 0x88, 0x87, 0x52, // dtype('i8', False, True)
    0x28, 0x4b, 3, ...short('<'), 0x4e, 0x4e, 0x4e, 0x4a, ...u32(0xffffffff), 0x4a, ...u32(0xffffffff), 0x4b, 0, 0x74, 0x62, // BUILD state
    0x43, 8, ...u64(value), 0x86, 0x52, // scalar(dtype, raw)
  ]
}

const refusal = (pattern: RegExp) => (error: Error) => error instanceof PickleRefused && pattern.test(error.message)

describe('restricted pickle reader', () => {
  it('reads a protocol-2 dict of Python ints to str (CPython pickle.dumps bytes)', () => {
    // pickle.dumps({0: 'a', 70000: 'b'}, protocol=2)
    const data = Buffer.from('80027d7100284b0058010000006171014a701101005801000000627102752e', 'hex')
    assert.deepEqual([...readIntStringDict(data, 'p2.pkl')], [[0, 'a'], [70000, 'b']])
  })

  it('reads numpy.int64 keys (protocol 4, numpy 1 and numpy 2 module names) and Chinese labels', () => {
    const data = bytes(0x80, 4, 0x95, u64(0n), 0x7d, 0x94, 0x28,
      numpyInt64(0n), binunicode('0/0.jpg\t脉动'),
      numpyInt64(2n ** 40n, 'numpy._core.multiarray'), short('1/0.jpg\t可口可乐'),
      0x75, 0x2e)
    const map = readIntStringDict(data, 'np.pkl')
    assert.deepEqual([...map], [[0, '0/0.jpg\t脉动'], [2 ** 40, '1/0.jpg\t可口可乐']])
  })

  it('refuses a GLOBAL that is not a numpy integer (the classic os.system payload) before running anything', () => {
    // pickle.dumps of an object whose __reduce__ is (os.system, ('echo hi',)), protocol 2
    const data = bytes(0x80, 2, 'cposix\nsystem\n', 0x71, 0, binunicode('echo hi'), 0x71, 1, 0x85, 0x71, 2, 0x52, 0x71, 3, 0x2e)
    assert.throws(() => readIntStringDict(data, 'evil.pkl'), refusal(/evil\.pkl: the pickle asks for the Python object posix\.system .*never runs code/))
  })

  it('refuses numpy.dtype with a non-integer code, and REDUCE of anything else', () => {
    const objectDtype = bytes(0x80, 4, short('numpy'), short('dtype'), 0x93, short('O8'), 0x89, 0x88, 0x87, 0x52, 0x2e)
    assert.throws(() => readIntStringDict(objectDtype, 'o.pkl'), refusal(/numpy\.dtype\("O8", false, true\) is not an integer dtype/))
    const reduceTuple = bytes(0x80, 4, 0x29, 0x29, 0x52, 0x2e)
    assert.throws(() => readIntStringDict(reduceTuple, 'r.pkl'), refusal(/REDUCE of something that is not an allowed global/))
  })

  it('refuses opcodes outside the subset, protocols 0/1, truncation and the wrong shapes', () => {
    assert.throws(() => readIntStringDict(bytes('(dp0\n.'), 'p0.pkl'), refusal(/protocols 0 and 1 are not supported/))
    assert.throws(() => readIntStringDict(bytes(0x80, 2, 0x7d, 0x28, 0x4b, 1), 'cut.pkl'), refusal(/ends early/))
    assert.throws(() => readIntStringDict(bytes(0x80, 2, 0x7d, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0x2e), 'f.pkl'), refusal(/opcode BINFLOAT is not allowed/))
    assert.throws(() => readIntStringDict(bytes(0x80, 2, 0x7d, binunicode('k'), binunicode('v'), 0x73, 0x2e), 's.pkl'), refusal(/a dict key is "k", not an integer/))
    assert.throws(() => readIntStringDict(bytes(0x80, 2, 0x7d, 0x4b, 1, 0x4b, 2, 0x73, 0x2e), 'i.pkl'), /the value for key 1 is 2, not a string/)
    assert.throws(() => readIntStringDict(bytes(0x80, 2, 0x5d, 0x2e), 'l.pkl'), refusal(/opcode 0x5d is not allowed/))
  })

  it('reads PaddleClas drink_dataset_v1.0 id_map.pkl: 1069 ids, Chinese labels', { skip: needsSharedAssets }, () => {
    const map = readIntStringDict(readFileSync(asset('drink_dataset_v1.0/index/id_map.pkl')), 'id_map.pkl')
    assert.equal(map.size, 1069)
    assert.deepEqual([...map.keys()], Array.from({ length: 1069 }, (_, i) => i))
    assert.equal(map.get(0), '0/0.jpg\t脉动')
    assert.equal(map.get(1068), '213/0.jpg\t酸辣粉')
    assert.ok([...map.values()].every((line) => line.split('\t').length === 2))
    assert.equal(new Set([...map.values()].map((line) => line.split('\t')[1])).size, 213)
  })
})
