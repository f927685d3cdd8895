/**
 * Turns a fetched (and unpacked) source into ONNX bytes: Paddle programs are converted in memory
 * with the converter, honouring `source.convert` (fetch, input_shape, lrn_after) and the member
 * paths `model_file` / `params_file`; ONNX sources are read as they are, or edited as
 * `source.onnx` says (expose_outputs, input_shape). The result's input and
 * output names are then checked against the manifest's feeds and fetches.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import ort from 'onnxruntime-node'
import type { ModelTensors } from '../model-contract.js'
import { tensorInfoOf } from '../ort-session.js'
import { convertProgram } from '../../convert/convert-program.js'
import { openModel } from '../../convert/paddle/model-files.js'
import type { Manifest, ModelSource } from '../manifest.js'
import { PullError } from './errors.js'
import { editOnnx } from './onnx-edit.js'

export interface BuiltModel {
  readonly bytes: Uint8Array
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  /** Set for converted (Paddle) sources. */
  readonly conversion?: { readonly opset: number; readonly lrnAfter?: readonly string[] }
}

const PADDLE_PROGRAMS = ['inference.pdmodel', '__model__']

function member(root: string, relative: string, name: string): string {
  const resolved = path.resolve(root, relative)
  const back = path.relative(root, resolved)
  if (back.startsWith('..') || path.isAbsolute(back)) throw new PullError(`model ${name}: "${relative}" leaves the source folder`)
  if (!existsSync(resolved)) throw new PullError(`model ${name}: the source has no ${relative}`)
  return resolved
}

/** Folders (root, then its direct sub-folders) that hold a file matching `test`. */
function foldersWith(root: string, test: (file: string) => boolean): string[] {
  const folders = [root, ...readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(root, e.name))]
  return folders.filter((folder) => readdirSync(folder).some(test))
}

function single(root: string, found: string[], what: string, option: string, name: string): string {
  if (found.length === 1) return found[0]!
  const where = found.length === 0 ? `no ${what} in ${root} or its sub-folders` : `several ${what}s (${found.map((f) => path.relative(root, f) || '.').join(', ')})`
  throw new PullError(`model ${name}: ${where}; name it with source.${option} in the manifest`)
}

async function buildPaddle(name: string, source: ModelSource, root: string): Promise<BuiltModel> {
  if (!statSync(root).isDirectory()) throw new PullError(`model ${name}: a Paddle source must be an archive or a folder`)
  let dirname: string
  let modelFilename: string | undefined
  if (source.model_file) {
    const file = member(root, source.model_file, name)
    dirname = path.dirname(file)
    // A standard name keeps openModel's layout rules (its __params__ or one file per parameter).
    modelFilename = PADDLE_PROGRAMS.includes(path.basename(file)) ? undefined : path.basename(file)
  } else {
    dirname = single(root, foldersWith(root, (f) => PADDLE_PROGRAMS.includes(f)), 'Paddle model folder', 'model_file', name)
  }
  const opened = openModel({
    dirname,
    ...(modelFilename ? { modelFilename } : {}),
    ...(source.params_file ? { paramsFilename: path.relative(dirname, member(root, source.params_file, name)) } : {}),
  })
  const options = source.convert ?? {}
  const converted = convertProgram(opened.program, opened.params, {
    graphName: name,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.input_shape ? { inputShapes: options.input_shape } : {}),
    ...(options.lrn_after ? { lrnAfter: options.lrn_after } : {}),
  })
  return {
    bytes: converted.onnx,
    inputs: converted.feeds.map((t) => t.name),
    outputs: converted.fetches.map((t) => t.name),
    conversion: { opset: converted.opset, ...(options.lrn_after ? { lrnAfter: options.lrn_after } : {}) },
  }
}

/** Input and output names of an ONNX model, as onnxruntime sees them. */
/** The model's own input and output declarations (a throwaway session). */
export async function onnxTensors(model: string | Uint8Array): Promise<ModelTensors> {
  const options = { logSeverityLevel: 3 as const, intraOpNumThreads: 1 }
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options)
  try {
    return { inputs: session.inputMetadata.map(tensorInfoOf), outputs: session.outputMetadata.map(tensorInfoOf) }
  } finally {
    await session.release()
  }
}

export async function onnxIoNames(model: string | Uint8Array): Promise<{ inputs: readonly string[]; outputs: readonly string[] }> {
  const { inputs, outputs } = await onnxTensors(model)
  return { inputs: inputs.map((t) => t.name), outputs: outputs.map((t) => t.name) }
}

async function buildOnnx(name: string, source: ModelSource, root: string): Promise<BuiltModel> {
  const file = !statSync(root).isDirectory()
    ? root
    : source.model_file
      ? member(root, source.model_file, name)
      : single(root, foldersWith(root, (f) => f.endsWith('.onnx')).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.onnx')).map((f) => path.join(d, f))), '.onnx file', 'model_file', name)
  const bytes = source.onnx ? editOnnx(await readFile(file), source.onnx, `model ${name}`) : await readFile(file)
  let names: { inputs: readonly string[]; outputs: readonly string[] }
  try {
    names = await onnxIoNames(bytes)
  } catch (error) {
    throw new PullError(`model ${name}: ${path.basename(file)} does not load in onnxruntime: ${(error as Error).message}`, { cause: error })
  }
  return { bytes, ...names }
}

export async function buildModel(name: string, source: ModelSource, root: string): Promise<BuiltModel> {
  return source.format === 'paddle' ? buildPaddle(name, source, root) : buildOnnx(name, source, root)
}

/** Every manifest feed must be a model input and every fetch an output. */
export function checkModelNames(name: string, manifest: Manifest, built: BuiltModel, manifestFile: string): void {
  const problems: string[] = []
  for (const feed of manifest.feeds) if (!built.inputs.includes(feed.name)) problems.push(`no input "${feed.name}" (feed ${feed.alias})`)
  for (const fetch of manifest.fetches) if (!built.outputs.includes(fetch.name)) problems.push(`no output "${fetch.name}" (fetch ${fetch.alias})`)
  if (problems.length === 0) return
  throw new PullError(
    `model ${name}: the ${built.conversion ? 'converted' : 'downloaded'} model has ${problems.join(', ')}; ` +
      `its inputs are ${built.inputs.join(', ')} and its outputs ${built.outputs.join(', ')}. ` +
      `Fix feeds/fetches${built.conversion ? ' or source.convert' : ''} in ${manifestFile}`,
  )
}
