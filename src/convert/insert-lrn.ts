/**
 * A program transform for Caffe-converted models whose conversion dropped their LRN layers (the
 * mirrored BVLC GoogLeNet): inserts a Paddle `lrn` op after the LAST op that writes a variable
 * (so after an in-place relu, not before it) and points every later reader at its output. The
 * weights were trained with those layers, so without them the classes come out wrong.
 */
import { ConversionError } from './errors.js'
import type { AttrValue, PaddleBlock, PaddleOp, PaddleProgram, PaddleVar } from './paddle/program.js'

/**
 * Caffe's LRN (local_size 5, alpha 1e-4, beta 0.75, k 1) in Paddle's convention: Caffe divides
 * alpha by local_size and Paddle does not, so Paddle's alpha is 1e-4 / 5.
 */
export const CAFFE_LRN: ReadonlyMap<string, AttrValue> = new Map<string, AttrValue>([
  ['n', 5],
  ['k', 1],
  ['alpha', 1e-4 / 5],
  ['beta', 0.75],
  ['data_format', 'NCHW'],
])

const argsOf = (slots: PaddleOp['inputs']) => Object.values(slots).flat()

function renameInputs(op: PaddleOp, from: string, to: string): PaddleOp {
  if (!argsOf(op.inputs).includes(from)) return op
  const inputs = Object.fromEntries(Object.entries(op.inputs).map(([slot, names]) => [slot, names.map((n) => (n === from ? to : n))]))
  return { ...op, inputs }
}

function freshName(vars: ReadonlyMap<string, PaddleVar>, hint: string): string {
  let name = hint
  for (let n = 1; vars.has(name); n++) name = `${hint}_${n}`
  return name
}

function insertOne(block: PaddleBlock, variable: string): PaddleBlock {
  const declared = block.vars.get(variable)
  if (!declared) throw new ConversionError(`--lrn-after names ${variable}, which the main block does not declare`)
  let last = -1
  block.ops.forEach((op, index) => {
    if (argsOf(op.outputs).includes(variable)) last = index
  })
  if (last < 0) throw new ConversionError(`--lrn-after names ${variable}, which no op of the main block writes`)
  const vars = new Map(block.vars)
  const out = freshName(vars, `${variable}.lrn`)
  const mid = freshName(vars, `${variable}.lrn_mid`)
  vars.set(out, { ...declared, name: out, persistable: false })
  vars.set(mid, { ...declared, name: mid, persistable: false })
  const lrnOp: PaddleOp = { type: 'lrn', inputs: { X: [variable] }, outputs: { Out: [out], MidOut: [mid] }, attrs: CAFFE_LRN }
  const ops = [...block.ops.slice(0, last + 1), lrnOp, ...block.ops.slice(last + 1).map((op) => renameInputs(op, variable, out))]
  return { ...block, vars, ops }
}

/** The program with a Caffe LRN after each named variable of block 0 (in the order given). */
export function insertLrnAfter(program: PaddleProgram, variables: readonly string[]): PaddleProgram {
  if (variables.length === 0) return program
  const duplicate = variables.find((v, i) => variables.indexOf(v) !== i)
  if (duplicate) throw new ConversionError(`--lrn-after names ${duplicate} twice`)
  let block = program.blocks[0]!
  for (const variable of variables) block = insertOne(block, variable)
  return { ...program, blocks: [block, ...program.blocks.slice(1)] }
}
