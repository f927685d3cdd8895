/**
 * `ppserve index <build | append | remove | import | info> --name NAME [options]`: gallery indexes
 * for POST /recognize, like PaddleClas's build_gallery.py (new / append / remove). This file reads
 * the command line; the work is in index-build, index-remove and index-import. Progress and
 * per-line problems go to stderr, summaries to stdout. Exit 0 done, 1 failed (one line saying
 * why), 2 the command line is wrong.
 */
import { parseArgs } from 'node:util'
import type { IndexMethod, Metric } from '../retrieval/vector-index.js'
import { appendToIndex, buildIndex } from './index-build.js'
import { importIndex, readIndex } from './index-import.js'
import { removeFromIndex } from './index-remove.js'
import { formatChange, formatRemoval, formatReport, reportJson } from './index-report.js'
import { resolveIndexSettings } from './index-settings.js'
import { DEFAULT_IMPORT_MODEL, isIndexAction, type IndexAction } from './index-usage.js'
import { UsageError } from './usage-error.js'

export { INDEX_USAGE, indexUsage } from './index-usage.js'

const COMMON = { name: { type: 'string' }, config: { type: 'string' }, 'indexes-dir': { type: 'string' } } as const
const MODEL = { model: { type: 'string' }, 'models-dir': { type: 'string' }, mirror: { type: 'string' } } as const
const DATA = { 'data-file': { type: 'string' }, 'image-root': { type: 'string' }, strict: { type: 'boolean' }, 'batch-size': { type: 'string' } } as const

const METHODS: readonly IndexMethod[] = ['Flat', 'HNSW', 'IVF']
const METRICS: readonly Metric[] = ['IP', 'L2']
const DEFAULT_BATCH_SIZE = 32
const MAX_BATCH_SIZE = 256

function choice<T extends string>(value: string | undefined, choices: readonly T[], option: string): T | undefined {
  if (value === undefined) return undefined
  // PaddleClas configs say HNSW32; faiss's HNSW here is always 32 links.
  const found = choices.find((c) => c.toLowerCase() === value.toLowerCase() || (c === 'HNSW' && value.toUpperCase() === 'HNSW32'))
  if (!found) throw new UsageError(`--${option} wants ${choices.join(', ')}, not "${value}"`)
  return found
}

function batchSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BATCH_SIZE
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_SIZE) throw new UsageError(`--batch-size wants an integer from 1 to ${MAX_BATCH_SIZE}, not "${value}"`)
  return n
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${option} is required`)
  return value
}

function dataOptions(values: { 'data-file'?: string; 'image-root'?: string; strict?: boolean; 'batch-size'?: string }) {
  return {
    dataFile: required(values['data-file'], 'data-file'),
    imageRoot: required(values['image-root'], 'image-root'),
    strict: values.strict ?? false,
    batchSize: batchSize(values['batch-size']),
  }
}

async function build(args: string[]): Promise<void> {
  const options = { ...COMMON, ...MODEL, ...DATA, method: { type: 'string' }, metric: { type: 'string' }, 'no-whiten': { type: 'boolean' }, force: { type: 'boolean' } } as const
  const { values } = parseArgs({ args, options, strict: true })
  const data = dataOptions(values)
  const method = choice(values.method, METHODS, 'method')
  const metric = choice(values.metric, METRICS, 'metric')
  const settings = await resolveIndexSettings(values)
  const defaults = settings.config.services.recognize
  const change = await buildIndex(settings, {
    ...data,
    model: values.model ?? defaults.feature_model,
    method: method ?? defaults.index.method,
    metric: metric ?? defaults.index.metric,
    whiten: values['no-whiten'] ? false : defaults.index.whiten,
    force: values.force ?? false,
  })
  process.stdout.write(formatChange(change))
}

async function append(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...COMMON, ...MODEL, ...DATA }, strict: true })
  const data = dataOptions(values)
  const settings = await resolveIndexSettings(values)
  process.stdout.write(formatChange(await appendToIndex(settings, { ...data, model: values.model })))
}

async function remove(args: string[]): Promise<void> {
  const options = { ...COMMON, id: { type: 'string', multiple: true }, label: { type: 'string', multiple: true }, 'data-file': { type: 'string' } } as const
  const { values } = parseArgs({ args, options, strict: true })
  const ids = (values.id ?? []).map((text) => {
    const id = Number(text)
    if (!Number.isInteger(id) || id < 0 || text.trim() === '') throw new UsageError(`--id wants an entry id (an integer ≥ 0), not "${text}"`)
    return id
  })
  const labels = values.label ?? []
  if (ids.length === 0 && labels.length === 0 && values['data-file'] === undefined) {
    throw new UsageError('say what to remove: --id ID, --label LABEL or --data-file FILE')
  }
  const settings = await resolveIndexSettings(values)
  const result = await removeFromIndex(settings, { ids, labels, dataFile: values['data-file'] })
  process.stdout.write(formatRemoval(result, settings.name))
}

async function importCommand(args: string[]): Promise<void> {
  const options = { ...COMMON, from: { type: 'string' }, model: { type: 'string' }, method: { type: 'string' }, force: { type: 'boolean' } } as const
  const { values } = parseArgs({ args, options, strict: true })
  const from = required(values.from, 'from')
  const method = choice(values.method, METHODS, 'method')
  const settings = await resolveIndexSettings(values)
  const report = await importIndex(settings, { from, model: values.model ?? DEFAULT_IMPORT_MODEL, method, force: values.force ?? false })
  process.stdout.write(formatReport(report, `imported ${from} as index ${settings.name} (${report.dir}): ${report.ntotal} vectors, id map ${report.info.size} entries`))
}

async function info(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...COMMON, json: { type: 'boolean' } }, strict: true })
  const settings = await resolveIndexSettings(values)
  const report = await readIndex(settings)
  process.stdout.write(values.json ? reportJson(report) : formatReport(report, `index ${settings.name} (${report.dir})`))
}

const ACTIONS: { [K in IndexAction]: (args: string[]) => Promise<void> } = { build, append, remove, import: importCommand, info }

/** The message of a command-line mistake (ours, or node's parseArgs's), else undefined. */
function usageProblem(error: unknown): string | undefined {
  if (error instanceof UsageError) return error.message
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_') ? (error as Error).message : undefined
}

export async function indexCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args
  try {
    if (!isIndexAction(action)) {
      throw new UsageError(action === undefined || action.startsWith('-') ? 'index wants a sub-command: build, append, remove, import or info' : `unknown index sub-command "${action}" (build, append, remove, import, info)`)
    }
    await ACTIONS[action](rest)
  } catch (error) {
    const problem = usageProblem(error)
    if (problem === undefined) throw error
    const command = isIndexAction(action) ? `index ${action}` : 'index'
    process.stderr.write(`ppserve ${command}: ${problem} (see npx ppserve ${command} --help)\n`)
    process.exitCode = 2
  }
}
