/**
 * The `convert` use case end to end: open the Paddle files, convert the program, build and
 * validate the manifest, write the package atomically. Everything that can fail is checked
 * before the first byte is written.
 */
import path from 'node:path'
import { convertProgram, type ConvertedModel, type ConvertOptions } from './convert-program.js'
import { ConversionError } from './errors.js'
import { buildManifest, manifestText, MODEL_FILE } from './manifest-file.js'
import { assertWritable, writePackage } from './package-writer.js'
import { openModel } from './paddle/model-files.js'
import { summaryLines } from './summary.js'
import { MANIFEST_FILE } from '../runtime/model-package.js'
import type { Manifest } from '../runtime/manifest.js'

export interface ConvertModelOptions extends ConvertOptions {
  readonly dirname: string
  readonly modelFilename?: string
  readonly paramsFilename?: string
  /** Package folder to write (`models/NAME`); its base name becomes the manifest name. */
  readonly out: string
  readonly feedAliases?: ReadonlyMap<string, string>
  readonly fetchAliases?: ReadonlyMap<string, string>
  /** Fill parameters with seeded random values instead of reading them (graph-only models). */
  readonly randomWeights?: boolean
  readonly seed?: number
  readonly force?: boolean
  /** Receives progress and summary lines (the CLI prints them on stderr). */
  readonly progress?: (line: string) => void
}

export interface ConvertModelResult {
  readonly dir: string
  readonly modelPath: string
  readonly manifest: Manifest
  readonly converted: ConvertedModel
}

export async function convertModel(options: ConvertModelOptions): Promise<ConvertModelResult> {
  const progress = options.progress ?? (() => {})
  const name = path.basename(path.resolve(options.out))
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    throw new ConversionError(`package name "${name}" (the last part of --out) must be letters, digits, '_', '.' or '-'`)
  }
  assertWritable(options.out, options.force ?? false)
  const opened = openModel({
    dirname: options.dirname,
    ...(options.modelFilename ? { modelFilename: options.modelFilename } : {}),
    ...(options.paramsFilename ? { paramsFilename: options.paramsFilename } : {}),
    ...(options.randomWeights ? { randomSeed: options.seed ?? 1 } : {}),
  })
  const block = opened.program.blocks[0]!
  progress(`read ${opened.modelFile}: ${opened.program.blocks.length} block(s), ${block.ops.length} ops, ${block.vars.size} variables`)
  progress(`mapping to ONNX (parameters: ${opened.params.description})`)
  const converted = convertProgram(opened.program, opened.params, { ...options, graphName: name })
  const manifest = buildManifest({
    name,
    source: options.dirname,
    converted,
    feedAliases: options.feedAliases ?? new Map(),
    fetchAliases: options.fetchAliases ?? new Map(),
  })
  progress(`writing ${options.out}`)
  await writePackage(options.out, { [MODEL_FILE]: converted.onnx, [MANIFEST_FILE]: manifestText(manifest) }, options.force ?? false)
  const modelPath = path.join(options.out, MODEL_FILE)
  for (const line of summaryLines(converted, modelPath, opened.params.description)) progress(line)
  return { dir: options.out, modelPath, manifest, converted }
}
