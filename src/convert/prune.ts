/**
 * Chooses the ops of block 0 that the requested outputs need, walking backwards from them. A
 * variable written twice (Paddle's in-place ops, e.g. relu with Out = X) is handled by walking
 * in order: the latest writer before a use is the one kept.
 *
 * Control-flow ops (those with a sub-block, like PicoDet's post-processing `while`) list their
 * loop-carried variables as outputs too; they are not taken as writers of variables they also
 * read and that already have a value before them, so `--fetch` can name a tensor that feeds
 * such a loop and get its value before it. Variables only the loop fills (tensor arrays) still
 * pull the loop in, and it is then reported as unsupported.
 */
import type { PaddleBlock, PaddleOp } from './paddle/program.js'

export interface PrunedGraph {
  readonly ops: readonly PaddleOp[]
  /** Feed variables the kept ops read, in the model's feed order. */
  readonly feeds: readonly string[]
  /** Variables needed but produced by no op of block 0 and not fed (reported after unsupported ops). */
  readonly missing: readonly string[]
}

const isIo = (op: PaddleOp) => op.type === 'feed' || op.type === 'fetch'
const argsOf = (slots: PaddleOp['inputs']) => Object.values(slots).flat()
const hasSubBlock = (op: PaddleOp) => [...op.attrs.values()].some((value) => typeof value === 'object' && 'block' in value)

function writes(op: PaddleOp, definedBefore: (name: string) => boolean): string[] {
  const outputs = argsOf(op.outputs)
  if (!hasSubBlock(op)) return outputs
  const inputs = new Set(argsOf(op.inputs))
  return outputs.filter((name) => !(inputs.has(name) && definedBefore(name)))
}

export function pruneToTargets(block: PaddleBlock, feedNames: readonly string[], targets: readonly string[]): PrunedGraph {
  const isParam = (name: string) => block.vars.get(name)?.persistable === true
  const needed = new Set(targets)
  const kept: PaddleOp[] = []
  const body = block.ops.filter((op) => !isIo(op))
  const firstWrite = new Map<string, number>()
  body.forEach((op, index) => {
    for (const name of argsOf(op.outputs)) if (!firstWrite.has(name)) firstWrite.set(name, index)
  })
  for (let i = body.length - 1; i >= 0; i--) {
    const op = body[i]!
    const definedBefore = (name: string) => feedNames.includes(name) || (firstWrite.get(name) ?? i) < i
    const produces = writes(op, definedBefore).filter((name) => needed.has(name) && !isParam(name))
    if (produces.length === 0) continue
    kept.push(op)
    for (const name of produces) needed.delete(name)
    for (const name of argsOf(op.inputs)) if (!isParam(name)) needed.add(name)
  }
  return {
    ops: kept.reverse(),
    feeds: feedNames.filter((name) => needed.has(name)),
    missing: [...needed].filter((name) => !feedNames.includes(name)),
  }
}
