/**
 * `ppserve convert`: a Paddle inference model (new `inference.pdmodel`/`.pdiparams`, old
 * `__model__` + `__params__`, or old `__model__` + one file per parameter) → `models/NAME/`
 * with `model.onnx` and `manifest.yml`. Progress and the summary go to stderr.
 */
import { parseArgs } from 'node:util'
import { convertModel } from '../convert/convert-model.js'
import { DEFAULT_OPSET } from '../convert/convert-program.js'
import { ConversionError } from '../convert/errors.js'
import { MAX_OPSET, MIN_OPSET } from '../convert/onnx/model-proto.js'
import { OP_MAPPERS } from '../convert/ops/registry.js'

export const CONVERT_USAGE = `usage: ppserve convert --dirname DIR --out models/NAME [options]

  --dirname DIR              Paddle inference model folder: inference.pdmodel + inference.pdiparams,
                             or __model__ + __params__, or __model__ + one file per parameter
  --model-filename F         program file inside DIR (default: inference.pdmodel, else __model__)
  --params-filename F        combined parameter file inside DIR (default: inference.pdiparams or
                             __params__; without one, old models read one file per parameter)
  --out models/NAME          package folder to write (model.onnx + manifest.yml); NAME is the model name
  --feed-alias NAME=ALIAS    alias for input NAME in the manifest (repeatable; default: NAME in snake_case)
  --fetch-alias NAME=ALIAS   alias for output NAME in the manifest (repeatable)
  --fetch VAR                convert only up to variable VAR, which becomes an output (repeatable; default:
                             the model's fetch targets). The graph is pruned to what the outputs need, so
                             missing parameters after VAR or unsupported post-processing are not read,
                             e.g. --fetch pool6.avg_pool.output.1.tmp_0 for mobilenet_v2 without fc7
  --input-shape NAME=D,D,..  declare input NAME with these dims (-1 = dynamic), e.g. x=-1,3,48,-1
  --lrn-after VAR            insert a Caffe LRN (size 5, alpha 1e-4, beta 0.75, k 1) after the last op writing
                             VAR and feed later readers from it (repeatable): for Caffe-converted models whose
                             conversion dropped their LRN layers, like the mirrored BVLC GoogLeNet
  --opset N                  ONNX opset, ${MIN_OPSET}..${MAX_OPSET} (default ${DEFAULT_OPSET}; 14+ uses HardSwish, 17+ LayerNormalization)
  --random-weights           graph-only model: fill parameters with seeded random values shaped from the graph
  --seed N                   seed for --random-weights (default 1)
  --force                    replace an existing package folder
  --list-ops                 print the supported Paddle ops and the ONNX ops they become, then exit`

function pairs(values: readonly string[] | undefined, option: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const value of values ?? []) {
    const at = value.lastIndexOf('=')
    if (at <= 0 || at === value.length - 1) throw new ConversionError(`--${option} wants NAME=VALUE, got "${value}"`)
    map.set(value.slice(0, at), value.slice(at + 1))
  }
  return map
}

function shapes(values: readonly string[] | undefined): Record<string, number[]> {
  const result: Record<string, number[]> = {}
  for (const [name, text] of pairs(values, 'input-shape')) {
    const dims = text.split(',').map((d) => Number(d.trim()))
    if (dims.some((d) => !Number.isInteger(d) || d < -1)) throw new ConversionError(`--input-shape ${name}: dims must be integers ≥ -1, got "${text}"`)
    result[name] = dims
  }
  return result
}

function integer(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n)) throw new ConversionError(`--${option} wants an integer, got "${value}"`)
  return n
}

function printOps(): void {
  const rows = Object.entries(OP_MAPPERS).map(([type, entry]) => `  ${type.padEnd(26)} ${entry.onnx}`)
  process.stdout.write(`Paddle op                  ONNX\n${rows.join('\n')}\n`)
}

export async function convertCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      dirname: { type: 'string' },
      'model-filename': { type: 'string' },
      'params-filename': { type: 'string' },
      out: { type: 'string' },
      'feed-alias': { type: 'string', multiple: true },
      'fetch-alias': { type: 'string', multiple: true },
      fetch: { type: 'string', multiple: true },
      'input-shape': { type: 'string', multiple: true },
      'lrn-after': { type: 'string', multiple: true },
      opset: { type: 'string' },
      'random-weights': { type: 'boolean' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
      'list-ops': { type: 'boolean' },
    },
  })
  if (values['list-ops']) return printOps()
  if (!values.dirname || !values.out) throw new ConversionError(`--dirname and --out are required\n${CONVERT_USAGE}`)
  const opset = integer(values.opset, 'opset')
  const seed = integer(values.seed, 'seed')
  await convertModel({
    dirname: values.dirname,
    out: values.out,
    ...(values['model-filename'] ? { modelFilename: values['model-filename'] } : {}),
    ...(values['params-filename'] ? { paramsFilename: values['params-filename'] } : {}),
    feedAliases: pairs(values['feed-alias'], 'feed-alias'),
    fetchAliases: pairs(values['fetch-alias'], 'fetch-alias'),
    ...(values.fetch ? { fetch: values.fetch } : {}),
    inputShapes: shapes(values['input-shape']),
    ...(values['lrn-after'] ? { lrnAfter: values['lrn-after'] } : {}),
    ...(opset !== undefined ? { opset } : {}),
    ...(seed !== undefined ? { seed } : {}),
    randomWeights: values['random-weights'] ?? false,
    force: values.force ?? false,
    progress: (line) => process.stderr.write(`convert: ${line}\n`),
  })
}
