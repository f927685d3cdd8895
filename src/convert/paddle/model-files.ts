/**
 * Finds a Paddle inference model's files in a directory (SPEC §6) and opens them: the program
 * (`inference.pdmodel` or `__model__`) and a parameter source (`inference.pdiparams`,
 * `__params__`, one file per parameter, or random weights).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConversionError } from '../errors.js'
import { combinedParams, perFileParams, type ParamSource } from './param-source.js'
import { decodeProgram, VAR_KIND, type PaddleProgram } from './program.js'
import { randomParams } from './random-params.js'

export interface ModelFileOptions {
  readonly dirname: string
  readonly modelFilename?: string
  readonly paramsFilename?: string
  /** Seed for random weights; when set, parameter files are not read. */
  readonly randomSeed?: number
}

export type ModelLayout = 'inference.pdmodel' | '__model__'

export interface OpenedModel {
  readonly modelFile: string
  readonly layout: ModelLayout | 'custom'
  readonly program: PaddleProgram
  readonly params: ParamSource
}

function listing(dir: string): string {
  const names = readdirSync(dir)
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length} files)` : names.join(', ')
}

function findModelFile(options: ModelFileOptions): { file: string; layout: OpenedModel['layout'] } {
  const { dirname } = options
  if (!existsSync(dirname)) throw new ConversionError(`model directory ${dirname} does not exist`)
  if (options.modelFilename) return { file: path.resolve(dirname, options.modelFilename), layout: 'custom' }
  for (const layout of ['inference.pdmodel', '__model__'] as const) {
    const file = path.join(dirname, layout)
    if (existsSync(file)) return { file, layout }
  }
  throw new ConversionError(`${dirname} has neither inference.pdmodel nor __model__ (it has: ${listing(dirname)}); name the file with --model-filename`)
}

/** Names of the variables a combined parameter file stores: persistable tensors, not feed/fetch lists. */
function persistableNames(program: PaddleProgram): string[] {
  const names = new Set<string>()
  for (const block of program.blocks) {
    for (const variable of block.vars.values()) {
      if (variable.persistable && variable.kind === VAR_KIND.LOD_TENSOR) names.add(variable.name)
    }
  }
  return [...names]
}

/** The combined parameter file that goes with a model file by name (`x.pdmodel` → `x.pdiparams`). */
function defaultParamsFile(modelFile: string, layout: OpenedModel['layout']): string {
  if (layout === '__model__') return path.join(path.dirname(modelFile), '__params__')
  return modelFile.replace(/\.pdmodel$/, '') + '.pdiparams'
}

function openParams(options: ModelFileOptions, modelFile: string, layout: OpenedModel['layout'], program: PaddleProgram): ParamSource {
  if (options.randomSeed !== undefined) return randomParams(options.randomSeed)
  const { dirname } = options
  if (options.paramsFilename) return combinedParams(path.resolve(dirname, options.paramsFilename), persistableNames(program))
  const combined = defaultParamsFile(modelFile, layout)
  if (existsSync(combined)) return combinedParams(combined, persistableNames(program))
  if (layout !== 'inference.pdmodel') return perFileParams(dirname)
  throw new ConversionError(
    `${dirname} has no ${path.basename(combined)} (it has: ${listing(dirname)}); name it with --params-filename, or pass --random-weights for a graph-only model`,
  )
}

export function openModel(options: ModelFileOptions): OpenedModel {
  const { file, layout } = findModelFile(options)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new ConversionError(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  const program = decodeProgram(bytes, file)
  return { modelFile: file, layout, program, params: openParams(options, file, layout, program) }
}
