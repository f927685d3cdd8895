/**
 * Where parameter tensors come from: one combined file (`inference.pdiparams`, `__params__`:
 * tensors back to back in sorted-name order), one file per parameter (old format), or random
 * values shaped from the graph (random-params.ts). Sources are read lazily, by name.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConversionError } from '../errors.js'
import type { PaddleVar } from './program.js'
import { readTensorAt, type RawTensor } from './tensor-stream.js'

export interface ParamSource {
  /** How the parameters are stored, for the summary line. */
  readonly description: string
  get(variable: PaddleVar): RawTensor
}

function checkDims(variable: PaddleVar, tensor: RawTensor, source: string): void {
  const declared = variable.dims
  if (!declared || declared.some((d) => d < 0)) return
  if (declared.length !== tensor.dims.length || declared.some((d, i) => d !== tensor.dims[i])) {
    throw new ConversionError(`${source}: parameter ${variable.name} has dims ${JSON.stringify(tensor.dims)}, the graph declares ${JSON.stringify(declared)}`)
  }
}

/**
 * The combined layout carries no names: tensors follow the sorted names of the program's
 * persistable variables, so the file is split against that list and must be consumed exactly.
 */
export function combinedParams(file: string, persistableNames: readonly string[]): ParamSource {
  let tensors: Map<string, RawTensor> | undefined
  const load = () => {
    if (tensors) return tensors
    let buffer: Buffer
    try {
      buffer = readFileSync(file)
    } catch (error) {
      throw new ConversionError(`cannot read parameters ${file}: ${(error as Error).message}`, { cause: error })
    }
    const names = [...persistableNames].sort()
    const map = new Map<string, RawTensor>()
    let offset = 0
    for (const name of names) {
      if (offset >= buffer.byteLength) {
        throw new ConversionError(`${file} holds ${map.size} tensors, the graph has ${names.length} persistable variables (first missing: ${name})`)
      }
      const { tensor, next } = readTensorAt(buffer, offset, `${file} (${name})`)
      map.set(name, tensor)
      offset = next
    }
    if (offset !== buffer.byteLength) {
      throw new ConversionError(`${file} has ${buffer.byteLength - offset} bytes left after the graph's ${names.length} parameters`)
    }
    tensors = map
    return map
  }
  return {
    description: `combined file ${file}`,
    get(variable) {
      const tensor = load().get(variable.name)
      if (!tensor) throw new ConversionError(`${file} has no parameter ${variable.name}`)
      checkDims(variable, tensor, file)
      return tensor
    },
  }
}

/** The old format: `<dir>/<variable name>` per parameter. */
export function perFileParams(dir: string): ParamSource {
  return {
    description: `one file per parameter in ${dir}`,
    get(variable) {
      const file = path.join(dir, variable.name)
      let buffer: Buffer
      try {
        buffer = readFileSync(file)
      } catch (error) {
        throw new ConversionError(
          `parameter ${variable.name} is missing (${(error as Error).message}); convert up to a variable before it with --fetch`,
          { cause: error },
        )
      }
      const { tensor, next } = readTensorAt(buffer, 0, file)
      if (next !== buffer.byteLength) throw new ConversionError(`${file} has ${buffer.byteLength - next} trailing bytes`)
      checkDims(variable, tensor, file)
      return tensor
    },
  }
}
