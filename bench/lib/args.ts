/** Command-line options of the benchmarks: `--config FILE`, `--passes N`, `--json FILE`. */
import path from 'node:path'
import { parseArgs } from 'node:util'

export interface BenchArgs {
  /** Absolute path, resolved against the directory the command was started in. */
  readonly configFile: string | undefined
  readonly passes: number
  readonly jsonFile: string | undefined
}

/** A bad command line: printed as its message alone, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** Runs a benchmark's own parser; any error it throws (node's parseArgs too) becomes a UsageError with `usage`. */
export function parseCommandLine<T>(parse: (argv: readonly string[]) => T, usage: string, argv = process.argv.slice(2)): T {
  try {
    return parse(argv)
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`${(error as Error).message}\n${usage}`, { cause: error })
  }
}

/** Runs a benchmark's `main`: its result is the exit code; a UsageError prints its message alone, any other error in full (exit 1). */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? error.message : error)
      process.exitCode = 1
    },
  )
}

export const USAGE = 'usage: npm run bench:ocr -- [--config FILE] [--passes N] [--json FILE]'

const OPTIONS = {
  config: { type: 'string' },
  passes: { type: 'string', default: '2' },
  json: { type: 'string' },
} as const

export function parseBenchArgs(argv: readonly string[], cwd = process.cwd()): BenchArgs {
  let values: { config?: string; passes?: string; json?: string }
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`, { cause: error })
  }
  const passes = Number(values.passes)
  if (!Number.isInteger(passes) || passes < 1) {
    throw new UsageError(`--passes must be a positive integer, got ${JSON.stringify(values.passes)}\n${USAGE}`)
  }
  return {
    configFile: values.config === undefined ? undefined : path.resolve(cwd, values.config),
    passes,
    jsonFile: values.json === undefined ? undefined : path.resolve(cwd, values.json),
  }
}
