/** Typed reads of a Paddle op's attributes, with defaults, failing with the op and attribute named. */
import { ConversionError } from '../errors.js'
import type { AttrValue, PaddleOp } from './program.js'

export class OpAttrs {
  constructor(private readonly op: PaddleOp) {}

  has(name: string): boolean {
    return this.op.attrs.has(name)
  }

  private get<T>(name: string, fallback: T | undefined, check: (v: AttrValue) => v is AttrValue & T, what: string): T {
    const value = this.op.attrs.get(name)
    if (value === undefined) {
      if (fallback !== undefined) return fallback
      throw new ConversionError(`${this.op.type}: attribute ${name} is missing`)
    }
    if (!check(value)) throw new ConversionError(`${this.op.type}: attribute ${name} should be ${what}, got ${JSON.stringify(value)}`)
    return value
  }

  number(name: string, fallback?: number): number {
    return this.get(name, fallback, (v): v is number => typeof v === 'number', 'a number')
  }

  bool(name: string, fallback?: boolean): boolean {
    return this.get(name, fallback, (v): v is boolean => typeof v === 'boolean', 'a boolean')
  }

  string(name: string, fallback?: string): string {
    return this.get(name, fallback, (v): v is string => typeof v === 'string', 'a string')
  }

  numbers(name: string, fallback?: readonly number[]): readonly number[] {
    return this.get(name, fallback, (v): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number'), 'a list of numbers')
  }
}
