/**
 * Strict base64 decoding. Node's Buffer.from(s, 'base64') silently skips invalid characters,
 * which turns a client's mistake into a confusing "cannot decode image"; we reject it instead.
 * Accepts standard and URL-safe alphabets, optional padding, whitespace, and a data: URL prefix.
 */
import { InvalidInput } from '../engine/errors.js'

const DATA_URL = /^data:[\w/+.-]*(;[\w=.-]+)*;base64,/i
const ALPHABET = /^[A-Za-z0-9+/_-]*={0,2}$/

export function decodeBase64(text: string, what: string): Uint8Array {
  const compact = text.replace(DATA_URL, '').replace(/\s+/g, '')
  if (compact.length === 0) throw new InvalidInput(`${what} is an empty string`)
  if (!ALPHABET.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new InvalidInput(`${what} is not valid base64`)
  }
  return new Uint8Array(Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'))
}
